from nqihub.core.forms import ScopedModelForm

from .models import Enterprise, Expert, Institution, RegulatorUnit
from .services import editable_fields


class OrganisationForm(ScopedModelForm):
    def allowed_fields(self, user):
        return editable_fields(user, self._meta.model)


class EnterpriseForm(OrganisationForm):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "uscc",
            "region_code",
            "industry_code",
            "scale",
            "credit_risk_grade",
            "legal_representative",
            "address",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]


class InstitutionForm(OrganisationForm):
    class Meta:
        model = Institution
        fields = [
            "name",
            "uscc",
            "kind",
            "region_code",
            "cma_number",
            "cnas_number",
            "address",
            "contact_name",
            "contact_phone",
        ]


class ExpertForm(OrganisationForm):
    class Meta:
        model = Expert
        fields = ["name", "title", "specialties", "affiliation", "region_code", "phone", "email"]


class RegulatorUnitForm(OrganisationForm):
    class Meta:
        model = RegulatorUnit
        fields = ["name", "region_code", "address", "contact_phone"]
