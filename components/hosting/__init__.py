"""How this copy is hosted: single-user or with accounts, and its cookie key (plain Python)."""
