"""The public search index (see nqihub.standards.search): one row per disclosure the public may find.

Only disclosures in state 现行有效 (disclosed) or 废止 (abolished) ever have a row; drafts and superseded
versions never do, so whatever reads this table can only reach published disclosures.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["SearchEntry", "SearchTokensField"]

_TSVECTOR_LEXEME = re.compile(r"'((?:[^']|'')*)'")


class SearchTokensField(models.Field):
    """A list of search tokens (nqihub.engines.search_text): a `tsvector` on PostgreSQL, built from the token
    array without any text parsing (`array_to_tsvector`), and space-separated text on SQLite, where an FTS5
    table indexes it."""

    description = "search tokens"

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def get_placeholder_sql(self, value, compiler, connection):
        sql = "array_to_tsvector(%s::text[])" if connection.vendor == "postgresql" else "%s"
        return sql, [value]

    def get_db_prep_value(self, value, connection, prepared=False):
        tokens = self.to_python(value)
        return tokens if connection.vendor == "postgresql" else " ".join(tokens)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return []
        if connection.vendor == "postgresql":
            return [m.replace("''", "'").replace("\\\\", "\\") for m in _TSVECTOR_LEXEME.findall(value)]
        return value.split()

    def to_python(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            return value.split()
        return [str(token) for token in value if token]


class SearchEntry(models.Model):
    """What public search finds of one published disclosure: its tokens and its place in the result order."""

    disclosure = models.OneToOneField(
        "standards.Disclosure",
        verbose_name=_("标准自我声明"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_entry",
    )
    # Inside one relevance tier, newer disclosures come first (then the higher id).
    disclosed_at = models.DateTimeField(_("公开时间"))
    tokens = SearchTokensField(_("检索词"), default=list)
    # 废止: found only when asked for. PostgreSQL keeps one GIN index for each value (partial indexes).
    is_abolished = models.BooleanField(_("已废止"), default=False)
    indexed_at = models.DateTimeField(_("索引时间"), auto_now=True)

    class Meta:
        verbose_name = _("检索索引")
        verbose_name_plural = _("检索索引")
        indexes = [models.Index(fields=["disclosed_at", "disclosure"], name="searchentry_order")]

    def __str__(self) -> str:
        return f"search entry of disclosure {self.disclosure_id}"
