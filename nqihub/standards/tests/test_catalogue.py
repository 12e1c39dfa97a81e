"""The catalogue of external standards: the shipped real records, staged import of the official export, edits."""

import pytest
from django.urls import reverse

from nqihub.core.models import AuditEvent
from nqihub.imports.services import commit_session, error_list, stage_upload
from nqihub.standards.catalogue import replacement_of
from nqihub.standards.models import CatalogueStandard, CatalogueStatus


def test_the_five_real_records_are_loaded_with_their_status(reference_data):
    rows = {c.normalized_number: c for c in CatalogueStandard.objects.all()}
    assert set(rows) >= {
        "GB/T 1.1-2000",
        "GB/T 1.1-2009",
        "GB/T 1.1-2020",
        "GB/T 20223-2006",
        "GB/T 5606.1-2004",
    }
    current = rows["GB/T 1.1-2020"]
    assert current.status == CatalogueStatus.CURRENT and current.nature == "recommended"
    assert (
        current.title_zh == "标准化工作导则 第1部分：标准化文件的结构和起草规则"
    )  # official punctuation kept
    assert (
        str(current.implemented_on) == "2020-10-01"
        and current.ccs_code == "A00"
        and current.ics_code == "01.120"
    )
    assert rows["GB/T 1.1-2009"].status == CatalogueStatus.ABOLISHED
    assert "openstd" in current.source


def test_a_withdrawn_edition_names_its_current_replacement(reference_data):
    old = CatalogueStandard.objects.get(normalized_number="GB/T 1.1-2009")
    assert replacement_of(old).normalized_number == "GB/T 1.1-2020"
    # GB/T 20223-2006 is withdrawn but the catalogue holds no newer edition: no replacement is guessed.
    assert replacement_of(CatalogueStandard.objects.get(normalized_number="GB/T 20223-2006")) is None


OFFICIAL_EXPORT = (
    "标准号,中文标准名称,英文标准名称,标准性质,状态,发布日期,实施日期,代替标准,CCS,ICS,归口单位\n"
    "ＧＢ　２７６２－２０２２,食品安全国家标准 食品中污染物限量,National food safety standard,强标,现行,"
    "2022-06-30,2023-06-30,GB 2762-2017,C53,67.040,国家卫生健康委员会\n"
    "GB 2762-2017,食品安全国家标准 食品中污染物限量,,强标,废止,2017-03-17,2017-09-17,,C53,67.040,国家卫生健康委员会\n"
    "XY/Z 1-2020,不存在的代号,,推标,现行,2020-01-01,2020-01-01,,,,\n"
    "GB/T 19001-2016/ISO 9001:2015,质量管理体系 要求,,推标,现行,2016/12/30,2017/7/1,,A00,03.120.10,SAC/TC 151\n"
    "GB/T 99999-2020,状态不明,,推标,待定,,,,,,\n"
)


def test_official_export_in_gb18030_imports_good_rows_and_reports_bad_ones(world):
    admin = world.users["admin"]
    session = stage_upload(admin, "catalogue", "国家标准目录.csv", OFFICIAL_EXPORT.encode("gb18030"))
    errors = {(e["row"], e["field"]) for e in error_list(session)}
    assert errors == {(4, "number"), (6, "status")}
    commit_session(session, admin)
    new = CatalogueStandard.objects.get(normalized_number="GB 2762-2022")
    assert new.nature == "mandatory" and new.family == "national" and new.status == CatalogueStatus.CURRENT
    adopted = CatalogueStandard.objects.get(normalized_number="GB/T 19001-2016")
    assert adopted.adopted_number == "ISO 9001:2015" and adopted.adoption_degree == "IDT"
    assert str(adopted.implemented_on) == "2017-07-01"
    assert replacement_of(CatalogueStandard.objects.get(normalized_number="GB 2762-2017")) == new
    assert AuditEvent.objects.filter(action="cataloguestandard.create", actor=admin).count() == 3
    # The same file again changes nothing.
    again = stage_upload(admin, "catalogue", "国家标准目录.csv", OFFICIAL_EXPORT.encode("gb18030"))
    commit_session(again, admin)
    assert CatalogueStandard.objects.filter(normalized_number__startswith="GB 2762").count() == 2
    assert AuditEvent.objects.filter(action="cataloguestandard.update", actor=admin).count() == 0


def test_only_the_platform_admin_imports_or_edits_the_catalogue(world, client):
    client.force_login(world.users["regulator"])
    assert client.get(reverse("imports:session_create", args=["catalogue"])).status_code == 403
    response = client.post(
        reverse("catalogue:api-list"),
        {"number": "GB 1-2020", "title_zh": "x", "status": "current"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_admin_adds_a_standard_typed_sloppily_and_duplicates_are_refused(world, client):
    client.force_login(world.users["admin"])
    data = {
        "number": "gb/t 19001—2016",
        "title_zh": "质量管理体系 要求",
        "status": "current",
        "nature": "recommended",
    }
    response = client.post(reverse("catalogue:api-list"), data, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["normalized_number"] == "GB/T 19001-2016"
    again = client.post(
        reverse("catalogue:api-list"),
        {**data, "number": "ＧＢ／Ｔ　１９００１－２０１６"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "已在标准目录中" in again.json()["number"][0]
    bad = client.post(
        reverse("catalogue:api-list"), {**data, "number": "Q/ABC 1-2020"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "自我声明" in bad.json()["number"][0]


@pytest.mark.parametrize(
    ("query", "count"), [("gb/t1.1", 3), ("GB/T 1.1—2020", 1), ("导则", 3), ("棉短绒", 1)]
)
def test_public_catalogue_search(reference_data, client, query, count):
    response = client.get(reverse("catalogue:list"), {"q": query})
    assert response.status_code == 200
    assert f'data-testid="total">({count})' in response.content.decode()


def test_detail_of_a_withdrawn_standard_links_its_replacement(reference_data, client):
    old = CatalogueStandard.objects.get(normalized_number="GB/T 1.1-2000")
    html = client.get(reverse("catalogue:detail", args=[old.pk])).content.decode()
    assert 'data-testid="withdrawn"' in html and "GB/T 1.1-2020" in html
