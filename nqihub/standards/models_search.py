"""The public search index (see nqihub.standards.search)."""

__all__: list[str] = []
