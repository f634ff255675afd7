"""Before a run: what a recipe will cost (``plan``: sizes, steps, FLOPs, GPU-hours, cache state)
and the same recipe shrunk to laptop size (``tiny``)."""
