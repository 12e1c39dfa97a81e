"""Rate limit of objections to a forerunner notice (公示异议): anyone may object, so one source may not flood a
notice. At most `FORERUNNER_OBJECTION_RATE` objections ("5/h", "20/d", "3/10m"; "0" or "" switches the limit
off) per source and notice, where the source is the client address of an anonymous visitor and the account of a
logged-in user (colleagues behind one office address do not block each other). Counted in Django's default
cache, in fixed windows of the rate's period: with several web processes the cache must be shared between them
(`NQIHUB_CACHE_BACKEND` / `NQIHUB_CACHE_LOCATION`, docs/forerunner.md), otherwise each process counts alone.

Only stored objections count: a form refused for a missing contact costs nothing. The caller holds the notice's
row lock (`services.file_objection`), so checking and counting cannot interleave for one notice.
"""

import hashlib
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

DEFAULT_RATE = "5/h"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text) -> Rate | None:
    """ "5/h" → 5 per 3600 s, "3/10m" → 3 per 600 s; "", "0" or None → no limit. Anything else is a
    configuration error naming the setting."""
    raw = "" if text is None else re.sub(r"\s+", "", str(text)).lower()
    if raw in ("", "0"):
        return None
    match = _RATE.match(raw)
    if match is None or int(match[2] or 1) == 0:
        raise ImproperlyConfigured(
            f"FORERUNNER_OBJECTION_RATE={text!r}: expected a count per period such as 5/h, 20/d or 3/10m"
        )
    count = int(match[1])
    if count == 0:
        return None
    return Rate(count, int(match[2] or 1) * _UNITS[match[3]])


def objection_rate() -> Rate | None:
    return parse_rate(getattr(settings, "FORERUNNER_OBJECTION_RATE", DEFAULT_RATE))


class RateLimited(Exception):
    """Too many objections from one source to one notice: HTTP 429 with `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def source_of(actor, ip_address: str | None) -> str | None:
    """Who is counted: a logged-in account, else the client address; None (not limited) for internal callers —
    the demo, a command — that have neither."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return f"user:{actor.pk}"
    return f"ip:{ip_address}" if ip_address else None


def _duration(seconds: int) -> str:
    for unit, label in ((86400, _("%(n)d 天")), (3600, _("%(n)d 小时")), (60, _("%(n)d 分钟"))):
        if seconds % unit == 0:
            return label % {"n": seconds // unit}
    return _("%(n)d 秒") % {"n": seconds}


def _wait(seconds: int) -> str:
    if seconds < 60:
        return _("%(n)d 秒") % {"n": max(seconds, 1)}
    return _("%(n)d 分钟") % {"n": math.ceil(seconds / 60)}


def _key(notice, source: str, window: int) -> str:
    # The notice's creation time is in the key as well as its id: a test database (SQLite) reuses ids.
    stamp = int(notice.created_at.timestamp() * 1000) if notice.created_at else 0
    digest = hashlib.sha256(source.encode()).hexdigest()[:32]
    return f"nqihub:forerunner:objection:{notice.pk}:{stamp}:{digest}:{window}"


def _window(rate: Rate, now: float) -> tuple[int, int]:
    """The current window's number and the seconds until it ends."""
    window = int(now // rate.seconds)
    return window, max(1, math.ceil((window + 1) * rate.seconds - now))


def check(notice, source: str | None, *, now: float | None = None) -> None:
    """Refuse (RateLimited) when `source` has used up its objections to `notice` in the current window."""
    rate = objection_rate()
    if rate is None or source is None:
        return
    window, retry_after = _window(rate, time.time() if now is None else now)
    if (cache.get(_key(notice, source, window)) or 0) >= rate.count:
        raise RateLimited(
            _("提交异议过于频繁:同一来源对同一公示每 %(period)s最多可提出 %(n)d 条异议,请 %(wait)s后再试。")
            % {"period": _duration(rate.seconds), "n": rate.count, "wait": _wait(retry_after)},
            retry_after,
        )


def count(notice, source: str | None, *, now: float | None = None) -> None:
    """Count one stored objection of `source` to `notice`."""
    rate = objection_rate()
    if rate is None or source is None:
        return
    window, _retry = _window(rate, time.time() if now is None else now)
    key = _key(notice, source, window)
    cache.add(key, 0, timeout=rate.seconds + 60)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=rate.seconds + 60)
