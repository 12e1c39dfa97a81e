"""The numeric bounds of the indicators of the standards in force (`IndicatorValue`), kept in step with the
disclosures: what rankings over a product category read instead of every indicator's parsed JSON.

A disclosure has rows while it is 现行有效 (disclosed): one per indicator whose parsed requirement declares a
bound (a maximum, a minimum, a range, 不得检出) and product category of the disclosure. Writers call
`sync_indicator_values(disclosure)` inside their transaction whenever a disclosure's state changes (disclosed,
superseded by a revision, abolished); `rebuild_indicator_values()` (`nqihub rebuild-indicator-values`) rebuilds
everything, as migration 0004 did for the rows that existed then.

The columns are a lossless reading of the parsed requirement (`Requirement.to_dict()`) for the two questions a
ranking asks — how high may the value be (``upper``), how low (``lower``) — so that what
`nqihub.forerunner.engine.declared_value` decides from the JSON it decides the same from the row.
"""

import functools
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from .models import Disclosure, DisclosureState, Indicator, IndicatorValue, Product

__all__ = ["BOUND_KINDS", "rebuild_indicator_values", "sync_indicator_values", "value_columns"]

# The requirement kinds that declare a bound a ranking can read; the others (qualitative text, sampling plans,
# references, unreadable text) never yield a value.
BOUND_KINDS = ("max", "min", "range", "absent")


def value_columns(parsed: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The stored columns of one parsed requirement, or None when it declares no bound.

    ``upper``: a maximum or a range's upper end; 0 for 不得检出 (nothing detectable is at most 0, whatever the
    unit, so its unit is left empty). ``lower``: a minimum or a range's lower end. ``*_strict``: the bound was
    written with < or > (``*_inclusive`` is false)."""
    if not parsed or not parsed.get("ok", True):
        return None
    kind = parsed.get("kind")
    if kind not in BOUND_KINDS:
        return None
    if kind == "absent":
        return {
            "kind": kind,
            "lower": None,
            "lower_strict": False,
            "upper": 0.0,
            "upper_strict": False,
            "unit": "",
        }
    high, low = parsed.get("max"), parsed.get("min")
    upper = float(high) if kind in ("max", "range") and high is not None else None
    lower = float(low) if kind in ("min", "range") and low is not None else None
    if upper is None and lower is None:
        return None
    return {
        "kind": kind,
        "lower": lower,
        "lower_strict": lower is not None and parsed.get("min_inclusive") is False,
        "upper": upper,
        "upper_strict": upper is not None and parsed.get("max_inclusive") is False,
        "unit": parsed.get("unit") or "",
    }


# The columns written, in the order `value_rows` gives them.
COLUMNS = (
    "disclosure_id",
    "category_code",
    "name",
    "kind",
    "lower",
    "lower_strict",
    "upper",
    "upper_strict",
    "unit",
)


def value_rows(
    disclosure_id: int,
    categories: Iterable[str],
    indicators: Iterable[tuple[str, Any]],
    *,
    read=value_columns,
) -> list[tuple]:
    """The rows of one disclosure (tuples in `COLUMNS` order): each (name, parsed) indicator that declares a
    bound, once per product category. ``read`` turns a parsed requirement into its columns."""
    categories = sorted(set(categories))
    rows = []
    for name, parsed in indicators:
        columns = read(parsed)
        if columns is None:
            continue
        bounds = (
            columns["kind"],
            columns["lower"],
            columns["lower_strict"],
            columns["upper"],
            columns["upper_strict"],
            columns["unit"],
        )
        rows.extend((disclosure_id, code, name, *bounds) for code in categories)
    return rows


COPY_FROM = 5000  # rows: more are written with COPY on PostgreSQL


def _insert(rows: list[tuple], batch: int = 5000) -> None:
    """Plain inserts: `bulk_create` spent most of a rebuild building model instances and SQL."""
    if not rows:
        return
    meta = IndicatorValue._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name.removesuffix("_id")).column) for name in COLUMNS)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    with connection.cursor() as cursor:
        if (
            connection.vendor == "postgresql" and len(rows) > COPY_FROM
        ):  # a rebuild: COPY, a tenth of the time
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])


def sync_indicator_values(disclosure: Disclosure) -> int:
    """Rewrite the rows of one disclosure from its products and indicators: while it is 现行有效 it has them,
    in any other state (a draft, a version superseded by a revision, abolished) none. Call inside the writer's
    transaction after the disclosure's new state is saved; returns the number of rows written."""
    if disclosure.pk is None:
        return 0
    IndicatorValue.objects.filter(disclosure_id=disclosure.pk).delete()
    if disclosure.state != DisclosureState.DISCLOSED:
        return 0
    categories = Product.objects.filter(disclosure_id=disclosure.pk).values_list("category_code", flat=True)
    indicators = (
        Indicator.objects.filter(disclosure_id=disclosure.pk)
        .order_by("position", "id")
        .values_list("name", "parsed")
    )
    rows = value_rows(disclosure.pk, list(categories), list(indicators))
    _insert(rows)
    return len(rows)


def rebuild_indicator_values(batch_size: int = 5000, progress=None) -> int:
    """Every row afresh from the indicators of every 现行有效 disclosure (idempotent); returns the rows written.
    Runs in one transaction, so rankings meanwhile read either the old rows or the new ones."""
    read = functools.lru_cache(maxsize=65536)(lambda text: value_columns(json.loads(text)) if text else None)
    written = 0
    with transaction.atomic():
        IndicatorValue.objects.all().delete()
        disclosed = Disclosure.objects.filter(state=DisclosureState.DISCLOSED).order_by("pk")
        last_id = 0
        while True:
            ids = list(disclosed.filter(pk__gt=last_id).values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            last_id = ids[-1]
            categories: dict[int, set[str]] = {}
            for disclosure_id, code in Product.objects.filter(disclosure_id__in=ids).values_list(
                "disclosure_id", "category_code"
            ):
                categories.setdefault(disclosure_id, set()).add(code)
            indicators: dict[int, list[tuple[str, Any]]] = {}
            # The parsed JSON as text, decoded once per distinct text: a category's standards repeat their values.
            rows = (
                Indicator.objects.filter(disclosure_id__in=ids)
                .order_by("disclosure_id", "position", "id")
                .values_list("disclosure_id", "name", Cast("parsed", TextField()))
            )
            for disclosure_id, name, text in rows:
                indicators.setdefault(disclosure_id, []).append((name, text))
            batch = []
            for disclosure_id in ids:
                batch.extend(
                    value_rows(
                        disclosure_id,
                        categories.get(disclosure_id, ()),
                        indicators.get(disclosure_id, ()),
                        read=read,
                    )
                )
            _insert(batch)
            written += len(batch)
            if progress:
                progress(written)
    return written
