from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """A password needs letters and digits: the common minimum in government information-security rules (等保)."""

    def validate(self, password: str, user=None) -> None:
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(_("密码必须同时包含字母和数字"), code="password_character_classes")

    def get_help_text(self) -> str:
        return _("密码必须同时包含字母和数字。")
