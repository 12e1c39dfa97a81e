import pytest
from django.utils import translation
from stdnum.cn import uscc as stdnum_uscc

from nqihub.core.models import Role, User


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The shipped reference data (regions, industries) once per test session; loading it again is a no-op."""
    from nqihub.core.reference import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def chinese():
    """Messages are asserted in Chinese, whatever language an earlier test left active."""
    with translation.override("zh-hans"):
        yield


def make_uscc(seed: int, region: str = "450321") -> str:
    first17 = f"91{region}MA{seed:07d}"
    return first17 + stdnum_uscc.calc_check_digit(first17)


@pytest.fixture
def uscc():
    return make_uscc


@pytest.fixture
def platform_admin(db):
    return User.objects.create(username="admin1", role=Role.ADMIN, display_name="平台管理员")


@pytest.fixture
def county_regulator(db):
    return User.objects.create(
        username="yangshuo", role=Role.REGULATOR, region_code="450321", display_name="阳朔县局"
    )


@pytest.fixture
def other_regulator(db):
    return User.objects.create(
        username="lingui", role=Role.REGULATOR, region_code="450312", display_name="临桂区局"
    )


# --- sample files

FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
HEADERS = ["企业名称", "统一社会信用代码", "行政区划代码", "行业代码", "企业规模", "信用风险分类", "联系电话"]


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


def bad_check_digit(code: str) -> str:
    return code[:-1] + ("1" if code[-1] != "1" else "2")


def sample_rows() -> list[list[str]]:
    """Rows 2–6 of the sample enterprise file: rows 2 and 6 are good, 3–5 each have one error."""
    return [
        ["桂林漓江食品有限公司", full_width(make_uscc(1)), "450321", "1311", "小型", "A类", "0773-8881234"],
        ["阳朔米粉厂", bad_check_digit(make_uscc(2)), "450321", "", "", "", ""],
        ["临桂老字号食品厂", make_uscc(3, "450322"), "450322", "", "", "", ""],
        ["", make_uscc(4), "450321", "", "", "", ""],
        ["阳朔茶业有限公司", make_uscc(5), full_width("450321"), "", "微型", "B", ""],
    ]


SAMPLE_ERRORS = [
    {"row": 3, "field": "uscc", "message": "统一社会信用代码校验位错误"},
    {"row": 4, "field": "region_code", "message": "行政区划代码 450322 已停用,请改用 450312 临桂区"},
    {"row": 5, "field": "name", "message": "该字段是必填项。"},
]


def csv_bytes(rows, headers=HEADERS, encoding="gb18030", trailing_blank=True) -> bytes:
    lines = [",".join(headers)] + [",".join(r) for r in rows]
    if trailing_blank:
        lines += [",,,,", ""]
    text = "\r\n".join(lines)
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig")
    return text.encode(encoding)


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append([None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_xlsx(content: bytes) -> list[list[str]]:
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
