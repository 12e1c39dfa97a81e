"""Every write to the registry: each function is one transaction and records its audit event."""

from typing import Any

from django.db import transaction

from nqihub.core.models import Role
from nqihub.core.records import create_record, delete_record, update_record

from .models import Enterprise, Expert, Institution, RegulatorUnit

# What an organisation's own staff may change about their own record; the rest (USCC, region, the credit
# grade a regulator assigns) only a regulator or the platform administrator changes.
SELF_SERVICE_FIELDS = {
    Enterprise: {
        "name",
        "industry_code",
        "scale",
        "legal_representative",
        "address",
        "contact_name",
        "contact_phone",
        "contact_email",
    },
    Institution: {"name", "cma_number", "cnas_number", "address", "contact_name", "contact_phone"},
    Expert: {"title", "specialties", "affiliation", "phone", "email"},
}
SELF_SERVICE_ROLES = {Enterprise: Role.ENTERPRISE, Institution: Role.INSTITUTION, Expert: Role.EXPERT}


def editable_fields(actor, model) -> set[str] | None:
    """The fields `actor` may change on `model` rows (None: all of them)."""
    role = SELF_SERVICE_ROLES.get(model)
    if role is not None and getattr(actor, "role", None) == role:
        return SELF_SERVICE_FIELDS[model]
    return None


def register_enterprise(actor, data: dict[str, Any]) -> Enterprise:
    return create_record(actor, Enterprise, data)


@transaction.atomic
def update_enterprise(
    actor, enterprise: Enterprise, data: dict[str, Any], version: str | None = None
) -> Enterprise:
    from nqihub.standards.search import sync_enterprise_entries  # results show the name, USCC and region

    updated = update_record(
        actor, enterprise, data, expected_version=version, allowed_fields=editable_fields(actor, Enterprise)
    )
    sync_enterprise_entries(updated)
    return updated


def register_institution(actor, data: dict[str, Any]) -> Institution:
    return create_record(actor, Institution, data)


def update_institution(
    actor, institution: Institution, data: dict[str, Any], version: str | None = None
) -> Institution:
    return update_record(
        actor, institution, data, expected_version=version, allowed_fields=editable_fields(actor, Institution)
    )


def register_expert(actor, data: dict[str, Any]) -> Expert:
    return create_record(actor, Expert, data)


def update_expert(actor, expert: Expert, data: dict[str, Any], version: str | None = None) -> Expert:
    return update_record(
        actor, expert, data, expected_version=version, allowed_fields=editable_fields(actor, Expert)
    )


def register_regulator_unit(actor, data: dict[str, Any]) -> RegulatorUnit:
    return create_record(actor, RegulatorUnit, data)


def update_regulator_unit(
    actor, unit: RegulatorUnit, data: dict[str, Any], version: str | None = None
) -> RegulatorUnit:
    return update_record(actor, unit, data, expected_version=version)


def remove_organisation(actor, obj) -> None:
    delete_record(actor, obj)
