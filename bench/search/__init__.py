"""Public search at scale (see run.py and docs/search.md)."""
