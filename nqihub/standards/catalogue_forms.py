from django.core.exceptions import ValidationError

from nqihub.core.forms import ScopedModelForm

from .catalogue import number_fields
from .models import CatalogueStandard


class CatalogueStandardForm(ScopedModelForm):
    """A catalogue row as typed or imported: the number determines normalised form, family and adoption."""

    class Meta:
        model = CatalogueStandard
        fields = [
            "number",
            "title_zh",
            "title_en",
            "nature",
            "status",
            "issued_on",
            "implemented_on",
            "abolished_on",
            "replaces_text",
            "replaced_by_text",
            "ccs_code",
            "ics_code",
            "adoption_degree",
            "adopted_number",
            "competent_dept",
            "responsible_tc",
        ]

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("number")
        if number:
            try:
                derived = number_fields(number)
            except ValidationError as exc:
                self.add_error("number", exc.message_dict["number"])
            else:
                # Derived fields are not on the form; set them on the instance so the model's uniqueness check
                # compares normalised numbers ("gb/t1.1-2020" and "GB/T 1.1—2020" are one standard).
                for key, value in derived.items():
                    setattr(self.instance, key, value)
        return cleaned
