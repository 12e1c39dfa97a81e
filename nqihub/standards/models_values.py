"""The bounds the indicators of the standards in force declare, as numbers (see nqihub.standards.indicator_values).

One row per indicator row of a 现行有效 (disclosed) standard and product category of that standard: what the
forerunner ranking reads instead of decoding every indicator's parsed JSON at every ranking. Drafts, revised
and abolished versions have no rows; `indicator_values.sync_indicator_values` keeps the table in step whenever a
disclosure is disclosed, superseded or abolished.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["IndicatorValue"]


class IndicatorValue(models.Model):
    """The numeric bounds of one disclosed indicator, as `nqihub.engines.requirements` parsed its requirement.

    ``upper`` is what a lower-is-better ranking reads (a maximum, a range's upper end, 0 for 不得检出), ``lower``
    what a higher-is-better one reads (a minimum, a range's lower end); ``*_strict`` when declared with < or >;
    ``unit`` the parsed unit symbol the bounds are in (empty: no unit; always empty for 不得检出, which is 0 in
    any unit). Only requirements that declare such a bound have a row."""

    disclosure = models.ForeignKey(
        "standards.Disclosure",
        verbose_name=_("标准声明"),
        on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    # A 4-level (小类) code of GB/T 4754-2017 of one of the disclosure's products (one row per category).
    category_code = models.CharField(_("产品分类"), max_length=5)
    name = models.CharField(_("指标名称"), max_length=200)  # as disclosed: rankings match it like the review
    kind = models.CharField(_("要求类型"), max_length=16)  # max / min / range / absent
    lower = models.FloatField(_("下限"), null=True, blank=True)
    lower_strict = models.BooleanField(_("下限不含等号"), default=False)
    upper = models.FloatField(_("上限"), null=True, blank=True)
    upper_strict = models.BooleanField(_("上限不含等号"), default=False)
    unit = models.TextField(_("单位"), blank=True)

    class Meta:
        verbose_name = _("指标数值")
        verbose_name_plural = _("指标数值")
        indexes = [
            # A ranking reads one category's rows of a few names, grouped by the bounds declared: every column it
            # reads is in the index, in the order of its GROUP BY, so the database answers from the index alone.
            models.Index(
                fields=[
                    "category_code",
                    "name",
                    "unit",
                    "upper",
                    "upper_strict",
                    "lower",
                    "lower_strict",
                    "disclosure",
                ],
                name="indicatorvalue_ranking",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.kind} {self.lower}–{self.upper} {self.unit}".rstrip()
