from django.urls import path

from . import views

app_name = "registry"

urlpatterns = []
for slug, name, (list_view, detail_view, form_view) in [
    ("enterprises", "enterprise", (views.EnterpriseList, views.EnterpriseDetail, views.EnterpriseForm)),
    ("institutions", "institution", (views.InstitutionList, views.InstitutionDetail, views.InstitutionForm)),
    ("experts", "expert", (views.ExpertList, views.ExpertDetail, views.ExpertForm)),
    (
        "regulators",
        "regulator_unit",
        (views.RegulatorUnitList, views.RegulatorUnitDetail, views.RegulatorUnitForm),
    ),
]:
    urlpatterns += [
        path(f"{slug}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{slug}/new/", form_view.as_view(), name=f"{name}_create"),
        path(f"{slug}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"{slug}/<int:pk>/edit/", form_view.as_view(), name=f"{name}_edit"),
    ]
