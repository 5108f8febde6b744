"""Heavy work and its caches: simulation runs, the worker, the Risk scans, the answer and the pilot."""
