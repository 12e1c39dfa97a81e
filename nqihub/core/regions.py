"""GB/T 2260 region look-ups: the current name of a code, its successor when retired, and jurisdiction prefixes."""

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from .models import Region


def jurisdiction_prefix(code: str) -> str:
    """The code prefix a bureau bound to `code` supervises: 450000 → '45', 450300 → '4503', 450321 → '450321'."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        raise ValueError(f"not a 6-digit region code: {code!r}")
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def in_jurisdiction(row_code: str, bureau_code: str) -> bool:
    return bool(row_code) and row_code.startswith(jurisdiction_prefix(bureau_code))


@dataclass(frozen=True)
class RegionCheck:
    ok: bool
    code: str
    name: str = ""
    message: str = ""
    successors: tuple[str, ...] = ()


def _successors(region: Region) -> tuple[str, ...]:
    # The source writes successors as "450312" or "450302;450303" or "120113[2020]" (the year the code took effect).
    return tuple(part.split("[")[0] for part in region.successor_codes.split(";") if part.strip())


def current_successors(code: str, _depth: int = 0) -> tuple[str, ...]:
    """The active codes a retired code maps to (following chains of changes); empty if none is recorded."""
    if Region.objects.filter(code=code, is_active=True).exists():
        return (code,)
    latest = Region.objects.filter(code=code).order_by("-start_year").first()
    if latest is None or _depth > 8:
        return ()
    found: list[str] = []
    for successor in _successors(latest):
        if successor == code:
            continue
        for active in current_successors(successor, _depth + 1):
            if active not in found:
                found.append(active)
    return tuple(found)


def check_region_code(code: str) -> RegionCheck:
    """Validate a region code a user typed: it must be a current GB/T 2260 code; a retired one names its successor."""
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        return RegionCheck(False, code, message=_("行政区划代码应为6位数字"))
    active = Region.objects.filter(code=code, is_active=True).first()
    if active:
        return RegionCheck(True, code, active.name)
    if not Region.objects.filter(code=code).exists():
        return RegionCheck(False, code, message=_("行政区划代码 %(code)s 不存在") % {"code": code})
    successors = current_successors(code)
    names = "、".join(f"{c} {region_name(c)}" for c in successors)
    if len(successors) == 1:
        message = _("行政区划代码 %(code)s 已停用,请改用 %(new)s") % {"code": code, "new": names}
    elif successors:
        message = _("行政区划代码 %(code)s 已停用,已拆分为 %(new)s,请选择其一") % {"code": code, "new": names}
    else:
        message = _("行政区划代码 %(code)s 已停用") % {"code": code}
    return RegionCheck(False, code, message=message, successors=successors)


@lru_cache(maxsize=4096)
def _cached_name(code: str) -> str:
    region = Region.objects.filter(code=code).order_by("-is_active", "-start_year").first()
    return region.name if region else ""


def region_name(code: str) -> str:
    """The current (or last) name of a code, e.g. 450312 → 临桂区."""
    return _cached_name(code) if code else ""


def region_path(code: str) -> str:
    region = Region.objects.filter(code=code).order_by("-is_active", "-start_year").first()
    return region.path.replace("/", " ") if region else code


def clear_region_cache() -> None:
    _cached_name.cache_clear()


def subregions(code: str) -> list[Region]:
    """The active divisions directly below `code` (a city's counties, a province's cities)."""
    return list(Region.objects.filter(parent_code=code, is_active=True).order_by("code"))
