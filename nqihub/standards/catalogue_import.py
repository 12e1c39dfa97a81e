"""The standards catalogue as an importable kind: the official catalogue export goes through the same staged
import as the registry (upload → per-row validation → commit good rows → correct the rest)."""

from nqihub.engines import stdnum
from nqihub.imports.columns import Column, KindSpec

from .catalogue_forms import CatalogueStandardForm
from .filters import CatalogueFilter
from .models import AdoptionDegree, CatalogueStandard, CatalogueStatus, StandardNature


def _lookup(model, data):
    normalized = stdnum.normalize(data.get("number", ""))
    return model.objects.filter(normalized_number=normalized).first() if normalized else None


def _keys(data):
    normalized = stdnum.normalize(data.get("number", ""))
    return [("number", normalized)] if normalized else []


CATALOGUE = KindSpec(
    slug="catalogue",
    model=CatalogueStandard,
    form_class=CatalogueStandardForm,
    filterset_class=CatalogueFilter,
    create_service="create_catalogue_standard",
    update_service="update_catalogue_standard",
    services_module="nqihub.standards.catalogue",
    lookup=_lookup,
    keys=_keys,
    key_fields=("number",),
    columns=(
        Column("number", "标准号", ("标准编号", "std_no", "number")),
        Column("title_zh", "中文标准名称", ("标准名称", "中文名称", "title_zh", "title")),
        Column("title_en", "英文标准名称", ("英文名称", "title_en")),
        Column(
            "nature",
            "标准性质",
            ("标准类别", "类别", "性质", "category", "nature"),
            choices=StandardNature,
            choice_aliases={
                "强标": "mandatory",
                "强制": "mandatory",
                "推标": "recommended",
                "推荐": "recommended",
                "指导": "guidance",
                "指导性": "guidance",
            },
        ),
        Column(
            "status",
            "状态",
            ("标准状态", "status"),
            choices=CatalogueStatus,
            choice_aliases={
                "现行有效": "current",
                "有效": "current",
                "作废": "abolished",
                "已被代替": "replaced",
            },
        ),
        Column("issued_on", "发布日期", ("issue_date", "issued_on")),
        Column("implemented_on", "实施日期", ("implement_date", "implemented_on")),
        Column("abolished_on", "废止日期", ("abolish_date", "abolished_on")),
        Column("replaces_text", "代替标准", ("replaces",)),
        Column("replaced_by_text", "被代替标准", ("replaced_by",)),
        Column("ccs_code", "CCS", ("中国标准分类号", "ccs")),
        Column("ics_code", "ICS", ("国际标准分类号", "ics")),
        Column(
            "adoption_degree",
            "采标程度",
            ("一致性程度", "adoption_degree"),
            choices=AdoptionDegree,
            export_label=False,
        ),
        Column("adopted_number", "采用的国际标准号", ("采用国际标准号", "adopted_number")),
        Column("competent_dept", "主管部门", ("competent_dept",)),
        Column("responsible_tc", "归口单位", ("归口部门", "tc_or_admin", "responsible_tc")),
    ),
)
