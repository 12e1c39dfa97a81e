"""Validators for identifiers users type. Each folds the input first and raises a ValidationError naming the reason.

They are attached to model fields, so forms, API serializers and the importer give the same message.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as stdnum_uscc

from nqihub.engines.text import fold_identifier


def normalize_uscc(value: str) -> str:
    """Fold and validate a 统一社会信用代码; returns the 18-character form or raises with the reason."""
    code = fold_identifier(value or "")
    try:
        return stdnum_uscc.validate(code)
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            _("统一社会信用代码应为18位,实际为%(n)d位") % {"n": len(code)}, code="uscc_length"
        ) from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符(只能是数字和除 I、O、Z、S、V 外的大写字母)"),
            code="uscc_format",
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(_("统一社会信用代码校验位错误"), code="uscc_checksum") from None
    except stdnum_errors.ValidationError:
        raise ValidationError(_("统一社会信用代码无效"), code="uscc_invalid") from None


def validate_uscc(value: str) -> None:
    normalize_uscc(value)


def validate_region_code(value: str) -> None:
    from .regions import check_region_code

    result = check_region_code(value)
    if not result.ok:
        raise ValidationError(result.message, code="region_code")


def validate_industry_code(value: str) -> None:
    from .models import Industry

    if value and not Industry.objects.filter(code=value).exists():
        raise ValidationError(
            _("行业代码 %(code)s 不在 GB/T 4754-2017 国民经济行业分类中") % {"code": value},
            code="industry_code",
        )
