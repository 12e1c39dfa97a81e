"""The arithmetic and wording of the 对标达标 campaign's rankings, on plain values (no Django import).

    RankingKey, key_from_config   what a ranking orders by: one count, or a weighted composite of several
    rank                          standard competition ranking ("1224") of regions by a key, ties broken by
                                  further counts, then by region code, so the same figures always give the same order
    Movement, movement            a region's rank before and after: up, down, same, new
    chinese_numeral               19 → 十九, 43 → 四十三, 110 → 一百一十, 145 → 一百四十五
    bulletin_rank_zh / _en        how a work bulletin writes a rank: 第十九位; a rank of 20 or more rounded to its
                                  tens, 四十余位 (exactly 40 → 第四十位)
    bulletin_zh / bulletin_en     "由四十余位跃升至第十九位" / "from 40-odd up to 19th"
    position_within               a region's position among the ranked regions sharing a code prefix (省内排名)

The counts a ranking reads are named by METRICS; figures missing for a region count as 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

# The counts of the campaign, per region, on a day (the names services and the importer use).
METRICS = ("enterprises", "schemes", "results", "verified", "trainings", "trained")
# A rise of this many places or more is a 跃升 (a leap) in a bulletin.
LEAP = 10


class RankingKeyError(ValueError):
    """A ranking key's configuration is not usable; str(error) says why."""


@dataclass(frozen=True)
class RankingKey:
    """What a ranking orders by: the weighted sum of counts (one count with weight 1 is the plain case), then
    the tie-breaking counts in order. With ``normalise`` each count is first taken as a share (0–100) of the
    best region's count, so that counts of different size weigh as their weights say."""

    slug: str
    weights: tuple[tuple[str, float], ...]
    ties: tuple[str, ...] = ()
    normalise: bool = False

    def __post_init__(self) -> None:
        if not self.slug:
            raise RankingKeyError("a ranking key needs a name")
        if not self.weights:
            raise RankingKeyError(f"ranking key {self.slug!r} has no weights")
        for metric, weight in self.weights:
            if metric not in METRICS:
                raise RankingKeyError(
                    f"ranking key {self.slug!r}: unknown count {metric!r} (one of {METRICS})"
                )
            if not isinstance(weight, int | float | Decimal) or weight <= 0:
                raise RankingKeyError(f"ranking key {self.slug!r}: the weight of {metric!r} must be > 0")
        for metric in self.ties:
            if metric not in METRICS:
                raise RankingKeyError(f"ranking key {self.slug!r}: unknown tie-break count {metric!r}")

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(m for m, _w in self.weights)

    @property
    def is_composite(self) -> bool:
        return len(self.weights) > 1 or self.normalise

    def value(self, figures: Mapping[str, float], best: Mapping[str, float] | None = None) -> float:
        """The key's value of one region's figures (``best``: the highest figure of each count, for normalise)."""
        total = 0.0
        for metric, weight in self.weights:
            count = float(figures.get(metric) or 0)
            if self.normalise:
                top = float((best or {}).get(metric) or 0)
                count = 100.0 * count / top if top else 0.0
            total += float(weight) * count
        return round(total, 4)


# Built-in keys; settings may add others or replace these (services.ranking_keys).
BUILTIN_KEYS: dict[str, RankingKey] = {
    key.slug: key
    for key in (
        RankingKey("results", (("results", 1),), ("enterprises", "verified")),
        RankingKey("enterprises", (("enterprises", 1),), ("results", "verified")),
        RankingKey("verified", (("verified", 1),), ("results", "enterprises")),
        RankingKey(
            "composite",
            (("enterprises", 0.3), ("results", 0.4), ("verified", 0.2), ("trained", 0.1)),
            ("results", "enterprises"),
            normalise=True,
        ),
    )
}


def key_from_config(slug: str, config: Mapping | Sequence | str) -> RankingKey:
    """A key from a setting: a count name ("results"), or {"weights": {"results": 0.6, "enterprises": 0.4},
    "ties": ["verified"], "normalise": true}. Raises RankingKeyError naming what is wrong."""
    if isinstance(config, str):
        return RankingKey(slug, ((config, 1),), tuple(m for m in ("results", "enterprises") if m != config))
    if not isinstance(config, Mapping):
        raise RankingKeyError(f"ranking key {slug!r}: expected a count name or a mapping with 'weights'")
    weights = config.get("weights")
    if isinstance(weights, str):
        weights = {weights: 1}
    if not isinstance(weights, Mapping) or not weights:
        raise RankingKeyError(f"ranking key {slug!r}: 'weights' must map counts to weights")
    ties = config.get("ties") or ()
    if isinstance(ties, str):
        ties = (ties,)
    normalise = config.get("normalise", len(weights) > 1)
    return RankingKey(slug, tuple(weights.items()), tuple(ties), bool(normalise))


@dataclass(frozen=True)
class Ranked:
    code: str
    value: float
    rank: int


def rank(entries: Iterable[tuple[str, Mapping[str, float]]], key: RankingKey) -> list[Ranked]:
    """Rank regions (code, figures) by ``key``, highest first. Regions equal in the value and every tie-break
    count share a rank and the next rank skips (1, 2, 2, 4); the order among them is by code."""
    rows = list(entries)
    best = {m: max((float(f.get(m) or 0) for _c, f in rows), default=0.0) for m in key.metrics}
    scored = [
        (code, key.value(figures, best), tuple(float(figures.get(m) or 0) for m in key.ties))
        for code, figures in rows
    ]
    scored.sort(key=lambda row: (-row[1], tuple(-t for t in row[2]), row[0]))
    ranked: list[Ranked] = []
    previous: tuple | None = None
    for position, (code, value, ties) in enumerate(scored, start=1):
        current = (value, ties)
        shared = ranked[-1].rank if previous == current else position
        ranked.append(Ranked(code, value, shared))
        previous = current
    return ranked


Direction = Literal["up", "down", "same", "new", "none"]


@dataclass(frozen=True)
class Movement:
    """A rank then and now; ``delta`` > 0 is a rise (43 → 19 is +24)."""

    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.before - self.after

    @property
    def direction(self) -> Direction:
        if self.after is None:
            return "none"
        if self.before is None:
            return "new"
        if self.delta > 0:
            return "up"
        if self.delta < 0:
            return "down"
        return "same"

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓", "same": "→", "new": "★", "none": ""}[self.direction]


def movement(before: int | None, after: int | None) -> Movement:
    for value in (before, after):
        if value is not None and value < 1:
            raise ValueError(f"a rank is 1 or more, not {value}")
    return Movement(before, after)


_DIGITS = "零一二三四五六七八九"
_SMALL_UNITS = ("", "十", "百", "千")


def _below_10000(n: int, leading: bool) -> str:
    """0 < n < 10000 in Chinese numerals; ``leading``: the number starts here (十九, not 一十九)."""
    digits = [int(d) for d in f"{n:04d}"]
    text = ""
    zero_pending = False
    started = False
    for index, digit in enumerate(digits):
        unit = _SMALL_UNITS[3 - index]
        if digit == 0:
            if started:
                zero_pending = True
            continue
        if zero_pending:
            text += "零"
            zero_pending = False
        if not (digit == 1 and unit == "十" and not started and leading):
            text += _DIGITS[digit]
        text += unit
        started = True
    return text


def chinese_numeral(n: int) -> str:
    """A non-negative integer below 10^8 in Chinese numerals: 19 → 十九, 105 → 一百零五, 110 → 一百一十."""
    if not isinstance(n, int) or n < 0 or n >= 10**8:
        raise ValueError(f"not a number this writes: {n!r}")
    if n == 0:
        return "零"
    high, low = divmod(n, 10000)
    if not high:
        return _below_10000(low, leading=True)
    text = _below_10000(high, leading=True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + _below_10000(low, leading=False)
    return text


def bulletin_rank_zh(rank_: int) -> str:
    """第十九位 for a rank below 20; 四十余位 for 41–49 (rounded down to the tens); 第四十位 for exactly 40."""
    if rank_ < 1:
        raise ValueError(f"a rank is 1 or more, not {rank_}")
    if rank_ < 20 or rank_ % 10 == 0:
        return f"第{chinese_numeral(rank_)}位"
    return f"{chinese_numeral(rank_ - rank_ % 10)}余位"


def ordinal_en(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def bulletin_rank_en(rank_: int) -> str:
    """19th for a rank below 20; 40-odd for 41–49; 40th for exactly 40."""
    if rank_ < 1:
        raise ValueError(f"a rank is 1 or more, not {rank_}")
    if rank_ < 20 or rank_ % 10 == 0:
        return ordinal_en(rank_)
    return f"{rank_ - rank_ % 10}-odd"


def bulletin_verb_zh(change: Movement) -> str:
    if change.direction == "up":
        return "跃升至" if change.delta >= LEAP else "上升至"
    if change.direction == "down":
        return "下降至"
    return "保持在"


def bulletin_zh(before: int, after: int) -> str:
    """由四十余位跃升至第十九位 (a rise of 10 or more is 跃升); 保持在第十九位 when unchanged."""
    change = movement(before, after)
    if change.direction == "same":
        return f"保持在{bulletin_rank_zh(after)}"
    return f"由{bulletin_rank_zh(before)}{bulletin_verb_zh(change)}{bulletin_rank_zh(after)}"


def bulletin_en(before: int, after: int) -> str:
    """from 40-odd up to 19th / from 19th down to 20-odd / holding at 19th."""
    change = movement(before, after)
    if change.direction == "same":
        return f"holding at {bulletin_rank_en(after)}"
    way = "up" if change.direction == "up" else "down"
    return f"from {bulletin_rank_en(before)} {way} to {bulletin_rank_en(after)}"


def position_within(ranks: Iterable[tuple[str, int]], code: str, prefix: str) -> int | None:
    """The competition rank of ``code`` among the (code, rank) pairs whose code starts with ``prefix``: the
    rank within a province of a city ranked nationally. None when the code is not among them."""
    inside = [(c, r) for c, r in ranks if c.startswith(prefix)]
    mine = next((r for c, r in inside if c == code), None)
    if mine is None:
        return None
    return 1 + sum(1 for _c, r in inside if r < mine)
