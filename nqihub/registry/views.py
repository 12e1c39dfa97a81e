from nqihub.core.views_base import ScopedDetailView, ScopedFormView, ScopedListView

from . import filters, forms, services
from .models import Enterprise, Expert, Institution, RegulatorUnit


class EnterpriseList(ScopedListView):
    scope_model = Enterprise
    filterset_class = filters.EnterpriseFilter
    template_name = "registry/enterprise_list.html"
    export_kind = "enterprises"


class EnterpriseDetail(ScopedDetailView):
    scope_model = Enterprise
    template_name = "registry/enterprise_detail.html"


class EnterpriseForm(ScopedFormView):
    scope_model = Enterprise
    form_class = forms.EnterpriseForm
    create_service = services.register_enterprise
    update_service = services.update_enterprise


class InstitutionList(ScopedListView):
    scope_model = Institution
    filterset_class = filters.InstitutionFilter
    template_name = "registry/institution_list.html"
    export_kind = "institutions"


class InstitutionDetail(ScopedDetailView):
    scope_model = Institution
    template_name = "registry/institution_detail.html"


class InstitutionForm(ScopedFormView):
    scope_model = Institution
    form_class = forms.InstitutionForm
    create_service = services.register_institution
    update_service = services.update_institution


class ExpertList(ScopedListView):
    scope_model = Expert
    filterset_class = filters.ExpertFilter
    template_name = "registry/expert_list.html"
    export_kind = "experts"


class ExpertDetail(ScopedDetailView):
    scope_model = Expert
    template_name = "registry/expert_detail.html"


class ExpertForm(ScopedFormView):
    scope_model = Expert
    form_class = forms.ExpertForm
    create_service = services.register_expert
    update_service = services.update_expert


class RegulatorUnitList(ScopedListView):
    scope_model = RegulatorUnit
    filterset_class = filters.RegulatorUnitFilter
    template_name = "registry/regulator_unit_list.html"


class RegulatorUnitDetail(ScopedDetailView):
    scope_model = RegulatorUnit
    template_name = "registry/regulator_unit_detail.html"


class RegulatorUnitForm(ScopedFormView):
    scope_model = RegulatorUnit
    form_class = forms.RegulatorUnitForm
    create_service = services.register_regulator_unit
    update_service = services.update_regulator_unit
