import pytest

from nqihub.core.models import ReferenceDataset, Region, RegionChange
from nqihub.core.reference import load_reference_data
from nqihub.core.regions import check_region_code, current_successors, in_jurisdiction, jurisdiction_prefix


@pytest.mark.parametrize(
    ("code", "prefix"),
    [("450000", "45"), ("450300", "4503"), ("450321", "450321"), ("110000", "11"), ("110101", "110101")],
)
def test_jurisdiction_prefix(code, prefix):
    assert jurisdiction_prefix(code) == prefix


def test_city_bureau_reaches_its_counties_but_not_the_neighbour_city():
    assert in_jurisdiction("450321", "450300")
    assert not in_jurisdiction("450103", "450300")
    assert not in_jurisdiction("450312", "450321")
    with pytest.raises(ValueError):
        jurisdiction_prefix("4503")


def test_reference_counts_match_the_provenance(reference_data):
    assert Region.objects.count() == 6824
    assert Region.objects.filter(is_active=True).count() == 3212
    assert RegionChange.objects.count() == 21455
    from nqihub.core.models import CCSCategory, ICSCode, Industry

    assert [Industry.objects.filter(level=n).count() for n in (1, 2, 3, 4)] == [20, 97, 473, 1381]
    assert [CCSCategory.objects.filter(level=n).count() for n in (1, 2, 3)] == [24, 225, 1608]
    assert ICSCode.objects.count() == 1381
    assert Industry.objects.get(code="3074").name == "日用陶瓷制品制造"


def test_loading_twice_changes_nothing(reference_data):
    before = {d.name: (d.sha256, d.rows) for d in ReferenceDataset.objects.all()}
    results = load_reference_data()
    assert all(r.skipped for r in results)
    assert {d.name: (d.sha256, d.rows) for d in ReferenceDataset.objects.all()} == before
    assert Region.objects.count() == 6824


def test_a_reused_code_keeps_both_periods(reference_data):
    names = list(Region.objects.filter(code="450311").order_by("start_year").values_list("name", flat=True))
    assert names == ["市郊区", "雁山区"]


def test_retired_code_maps_to_its_successor(reference_data):
    assert current_successors("450322") == ("450312",)  # 临桂县 → 临桂区 (2013)
    assert current_successors("450331") == ("450381",)  # 荔浦县 → 荔浦市 (2018)
    result = check_region_code("450322")
    assert not result.ok
    assert "450312" in result.message and "临桂区" in result.message


def test_active_unknown_and_malformed_codes(reference_data):
    assert check_region_code("450321").ok and check_region_code("450321").name == "阳朔县"
    assert "不存在" in check_region_code("459999").message
    assert "6位数字" in check_region_code("45032").message
