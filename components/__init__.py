"""The reusable middle floor between the model (`calculators/`) and the pages, in rooms by concern."""
