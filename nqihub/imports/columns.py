"""What the importer reads and the exporter writes, per kind of record: one declaration per kind.

Each column maps a model field to the Chinese header the export writes and the aliases the importer also accepts
(Chinese and English). Headers are matched after folding full-width characters, spaces, underscores, hyphens and
case, so `企业名称`, `企业名称 *`, `ＵＳＣＣ` and `region_code` are all recognised. Choice fields accept their code
or their Chinese display label (企业规模 `大型` or `large`; 信用风险分类 `A`, `A类` or `A类(信用风险低)`).

Headers are plain strings, not translated: a file exported in an English session must import in a Chinese one.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django import forms
from django.db import models
from django.db.models import Q
from django.utils import translation

from nqihub.engines.text import fold_text
from nqihub.registry import filters as registry_filters
from nqihub.registry import forms as registry_forms
from nqihub.registry.models import (
    CreditRiskGrade,
    Enterprise,
    EnterpriseScale,
    Expert,
    Institution,
    InstitutionKind,
)

# The column the error report adds; when a corrected error report is uploaded again it is ignored, not "unknown".
ERROR_COLUMN = "错误说明"
_IGNORED_HEADERS = (ERROR_COLUMN, "序号", "行号", "row", "id")

_SEPARATORS = re.compile(r"[\s_\-*]+")
_TRAILING_NOTE = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")


def header_key(text: str) -> str:
    """The form of a header used for matching: folded, without spaces, underscores, hyphens or '*', lower case."""
    return _SEPARATORS.sub("", fold_text(str(text))).lower()


def choice_key(text: str) -> str:
    return fold_text(str(text)).replace(" ", "").lower()


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the Chinese header the export writes
    aliases: tuple[str, ...] = ()
    choices: type[models.TextChoices] | None = None
    choice_aliases: dict[str, str] = field(default_factory=dict)  # extra spellings → code
    export_label: bool = True  # a choice is exported as its Chinese label (else as its code)

    def keys(self) -> set[str]:
        return {header_key(self.header), header_key(self.field), *(header_key(a) for a in self.aliases)}

    def normalise_choice(self, value: str) -> str:
        """The code for a typed code or label; an unknown value is returned unchanged for the form to reject."""
        if self.choices is None or not value:
            return value
        return _choice_map(self).get(choice_key(value), value)

    def export_value(self, value) -> str:
        if value is None:
            return ""
        if self.choices is not None and value and self.export_label:
            with translation.override("zh-hans"):
                return str(dict(self.choices.choices).get(value, value))
        return str(value)


_CHOICE_MAPS: dict[tuple[int, str], dict[str, str]] = {}


def _choice_map(column: Column) -> dict[str, str]:
    cache_key = (id(column), translation.get_language() or "")
    if cache_key not in _CHOICE_MAPS:
        _CHOICE_MAPS[cache_key] = _build_choice_map(column)
    return _CHOICE_MAPS[cache_key]


def _build_choice_map(column: Column) -> dict[str, str]:
    found: dict[str, str] = {}
    languages = ["zh-hans", translation.get_language() or "zh-hans", "en"]
    for language in languages:
        with translation.override(language):
            for value, label in column.choices.choices:
                label = str(label)
                found.setdefault(choice_key(value), value)
                found.setdefault(choice_key(label), value)
                short = re.split(r"[((]", fold_text(label))[0]
                if short:
                    found.setdefault(choice_key(short), value)
    for alias, value in column.choice_aliases.items():
        found.setdefault(choice_key(alias), value)
    return found


@dataclass(frozen=True)
class KindSpec:
    """One importable kind: its model, the registry form and services that validate and write it, its columns."""

    slug: str
    model: type[models.Model]
    form_class: type[forms.ModelForm]
    filterset_class: type
    create_service: str  # names in `services_module`, looked up at call time
    update_service: str
    columns: tuple[Column, ...]
    key_fields: tuple[str, ...]  # the natural key, for messages about duplicates
    # the stored row a file row names (any jurisdiction; scope is checked afterwards), and the keys that must
    # not repeat inside one file (each tuple starts with the "|"-joined field names it is made of)
    lookup: Callable[[type[models.Model], Mapping[str, str]], models.Model | None] = None  # type: ignore[assignment]
    keys: Callable[[Mapping[str, str]], list[tuple[str, ...]]] = None  # type: ignore[assignment]
    services_module: str = "nqihub.registry.services"
    # a refinement of the scope grant the service applies too (e.g. only standardisation institutions author the
    # advanced-standard database although every institution role is granted ADD): the import pages offer the
    # kind only to users it accepts
    allowed: Callable[[Any], bool] | None = None

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @cached_property
    def by_field(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns}

    @cached_property
    def header_index(self) -> dict[str, Column]:
        index: dict[str, Column] = {}
        for column in self.columns:
            for key in column.keys():
                index.setdefault(key, column)
        return index

    @property
    def required_fields(self) -> list[str]:
        """Fields the model requires (blank=False): a file without their column cannot be imported."""
        return [c.field for c in self.columns if not self.model._meta.get_field(c.field).blank]

    def match_header(self, text: str) -> Column | None:
        key = header_key(text)
        if not key:
            return None
        column = self.header_index.get(key)
        if column is None:
            # "企业名称(必填)", "行政区划代码【6位】": a trailing note in brackets does not hide the header.
            stripped = _TRAILING_NOTE.sub("", fold_text(str(text)))
            if stripped != fold_text(str(text)):
                column = self.header_index.get(header_key(stripped))
        return column

    def is_ignored_header(self, text: str) -> bool:
        return header_key(text) in {header_key(h) for h in _IGNORED_HEADERS}

    def label(self, field_name: str) -> str:
        column = self.by_field.get(field_name)
        return column.header if column else field_name


_PHONE = ("联系电话", "电话", "手机", "手机号码", "联系方式", "phone", "telephone", "mobile", "tel")
_EMAIL = ("电子邮箱", "邮箱", "电子邮件", "email", "e-mail", "mail")
_REGION = (
    "行政区划代码",
    "区划代码",
    "行政区划",
    "地区代码",
    "所在地区代码",
    "region_code",
    "region",
    "area_code",
)
_USCC = ("统一社会信用代码", "信用代码", "社会信用代码", "统一代码", "USCC", "credit_code")
_ADDRESS = ("地址", "住所", "注册地址", "经营地址", "通讯地址", "address")
_CONTACT = ("联系人", "联系人姓名", "contact", "contact_name")


def _enterprise_lookup(model, data):
    uscc = data.get("uscc", "")
    return model.objects.filter(uscc=uscc).first() if uscc else None


def _enterprise_keys(data):
    return [("uscc", data["uscc"])] if data.get("uscc") else []


def _institution_lookup(model, data):
    uscc, name, region = data.get("uscc", ""), data.get("name", ""), data.get("region_code", "")
    if uscc:
        found = model.objects.filter(uscc=uscc).first()
        if found is not None:
            return found
    if not (name and region):
        return None
    same_place = model.objects.filter(name=name, region_code=region)
    if uscc:  # a stored USCC that differs names another institution (the form then reports the clash)
        same_place = same_place.filter(Q(uscc__isnull=True) | Q(uscc="") | Q(uscc=uscc))
    return same_place.first()


def _institution_keys(data):
    keys = [("uscc", data["uscc"])] if data.get("uscc") else []
    if data.get("name") and data.get("region_code"):
        keys.append(("name|region_code", data["name"], data["region_code"]))
    return keys


def _expert_lookup(model, data):
    name, affiliation = data.get("name", ""), data.get("affiliation", "")
    return model.objects.filter(name=name, affiliation=affiliation).first() if name and affiliation else None


def _expert_keys(data):
    if data.get("name") and data.get("affiliation"):
        return [("name|affiliation", data["name"], data["affiliation"])]
    return []


ENTERPRISES = KindSpec(
    slug="enterprises",
    model=Enterprise,
    form_class=registry_forms.EnterpriseForm,
    filterset_class=registry_filters.EnterpriseFilter,
    create_service="register_enterprise",
    update_service="update_enterprise",
    lookup=_enterprise_lookup,
    keys=_enterprise_keys,
    key_fields=("uscc",),
    columns=(
        Column("name", "企业名称", ("名称", "企业", "单位名称", "name", "enterprise", "enterprise_name")),
        Column("uscc", "统一社会信用代码", _USCC[1:]),
        Column("region_code", "行政区划代码", _REGION[1:]),
        Column(
            "industry_code",
            "行业代码",
            ("国民经济行业代码", "国民经济行业分类代码", "行业分类代码", "industry", "industry_code"),
        ),
        Column(
            "scale",
            "企业规模",
            ("规模", "scale", "enterprise_scale"),
            choices=EnterpriseScale,
            choice_aliases={
                "大型企业": "large",
                "中型企业": "medium",
                "小型企业": "small",
                "微型企业": "micro",
                "小微": "small",
            },
        ),
        Column(
            "credit_risk_grade",
            "信用风险分类",
            ("信用等级", "信用风险等级", "信用分类", "credit_risk_grade", "credit_grade", "credit"),
            choices=CreditRiskGrade,
            export_label=False,
        ),
        Column(
            "legal_representative",
            "法定代表人",
            ("法人代表", "法人", "法定代表人姓名", "legal_representative"),
        ),
        Column("address", "地址", _ADDRESS[1:]),
        Column("contact_name", "联系人", _CONTACT[1:]),
        Column("contact_phone", "联系电话", _PHONE[1:] + ("contact_phone",)),
        Column("contact_email", "电子邮箱", _EMAIL[1:] + ("contact_email",)),
    ),
)

INSTITUTIONS = KindSpec(
    slug="institutions",
    model=Institution,
    form_class=registry_forms.InstitutionForm,
    filterset_class=registry_filters.InstitutionFilter,
    create_service="register_institution",
    update_service="update_institution",
    lookup=_institution_lookup,
    keys=_institution_keys,
    key_fields=("uscc", "name", "region_code"),
    columns=(
        Column("name", "机构名称", ("名称", "机构", "单位名称", "name", "institution", "institution_name")),
        Column("uscc", "统一社会信用代码", _USCC[1:]),
        Column(
            "kind",
            "机构类型",
            ("类型", "机构类别", "kind", "type"),
            choices=InstitutionKind,
            choice_aliases={
                "检验": "testing",
                "检测": "testing",
                "检验检测机构": "testing",
                "计量机构": "metrology",
                "认证": "certification",
                "认可": "certification",
                "认证机构": "certification",
                "标准化机构": "standardisation",
                "知识产权机构": "ip",
                "法律服务": "legal",
            },
        ),
        Column("region_code", "行政区划代码", _REGION[1:]),
        Column(
            "cma_number",
            "CMA资质认定证书编号",
            ("CMA证书编号", "CMA编号", "资质认定证书编号", "CMA", "cma_number"),
        ),
        Column(
            "cnas_number",
            "CNAS认可证书编号",
            ("CNAS证书编号", "CNAS编号", "认可证书编号", "CNAS", "cnas_number"),
        ),
        Column("address", "地址", _ADDRESS[1:]),
        Column("contact_name", "联系人", _CONTACT[1:]),
        Column("contact_phone", "联系电话", _PHONE[1:] + ("contact_phone",)),
    ),
)

EXPERTS = KindSpec(
    slug="experts",
    model=Expert,
    form_class=registry_forms.ExpertForm,
    filterset_class=registry_filters.ExpertFilter,
    create_service="register_expert",
    update_service="update_expert",
    lookup=_expert_lookup,
    keys=_expert_keys,
    key_fields=("name", "affiliation"),
    columns=(
        Column("name", "姓名", ("专家姓名", "名字", "name", "expert")),
        Column("title", "职称", ("技术职称", "职务", "title")),
        Column("specialties", "专业领域", ("专业", "领域", "擅长领域", "specialties", "specialty", "field")),
        Column(
            "affiliation",
            "工作单位",
            ("单位", "所在单位", "工作单位名称", "affiliation", "organisation", "organization", "employer"),
        ),
        Column("region_code", "行政区划代码", _REGION[1:]),
        Column("phone", "联系电话", _PHONE[1:]),
        Column("email", "电子邮箱", _EMAIL[1:]),
    ),
)

KINDS: dict[str, KindSpec] = {spec.slug: spec for spec in (ENTERPRISES, INSTITUTIONS, EXPERTS)}


def register_kind(spec: KindSpec) -> None:
    """Other apps add their importable kinds (e.g. the standards catalogue) from AppConfig.ready()."""
    KINDS[spec.slug] = spec


def spec_for(kind: str) -> KindSpec:
    try:
        return KINDS[kind]
    except KeyError:
        raise LookupError(kind) from None
