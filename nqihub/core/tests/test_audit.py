import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from nqihub.core.models import AuditEvent
from nqihub.registry.models import Enterprise
from nqihub.testing import COUNTY, uscc


def test_api_write_records_actor_before_after_request_id_and_ip(world, client):
    regulator = world.users["regulator"]
    client.force_login(regulator)
    target = world.inside["enterprise"]
    response = client.patch(
        reverse("enterprise-detail", args=[target.pk]),
        {"contact_phone": "0773-1234567"},
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="enterprise.update", object_id=str(target.pk))
    assert event.actor == regulator and event.actor_role == "regulator"
    assert event.before["contact_phone"] == "" and event.after["contact_phone"] == "0773-1234567"
    assert event.request_id == response["X-Request-ID"]
    assert event.ip_address == "10.1.2.3"
    assert event.region_code == COUNTY


def test_create_is_audited_and_unchanged_save_is_not(world, client):
    client.force_login(world.users["admin"])
    data = {"name": "审计测试企业", "uscc": uscc(), "region_code": COUNTY}
    assert client.post(reverse("enterprise-list"), data, content_type="application/json").status_code == 201
    created = Enterprise.objects.get(name="审计测试企业")
    assert AuditEvent.objects.filter(action="enterprise.create", object_id=str(created.pk)).count() == 1
    client.patch(
        reverse("enterprise-detail", args=[created.pk]),
        {"name": "审计测试企业"},
        content_type="application/json",
    )
    assert not AuditEvent.objects.filter(action="enterprise.update", object_id=str(created.pk)).exists()


def test_audit_events_cannot_be_changed_through_the_model(world):
    from nqihub.core.audit import record_event

    event = record_event(None, "probe", world.inside["enterprise"])
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_the_database_refuses_update_of_an_audit_event(world):
    from nqihub.core.audit import record_event

    event = record_event(None, "probe", world.inside["enterprise"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'tampered' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "probe"


def test_bulk_update_and_delete_are_refused(world):
    from nqihub.core.audit import record_event

    event = record_event(None, "probe", world.inside["enterprise"])
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    if connection.vendor == "postgresql":
        # PostgreSQL also refuses a DELETE typed in SQL (on SQLite the test runner's flush needs DELETE).
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, action="probe").exists()


def test_auditor_reads_the_log_page_with_filters(world, client):
    from nqihub.core.audit import record_event

    record_event(
        world.users["admin"], "enterprise.update", world.inside["enterprise"], before={"a": 1}, after={"a": 2}
    )
    record_event(world.users["admin"], "institution.create", world.inside["institution"])
    client.force_login(world.users["auditor"])
    html = client.get(reverse("core:audit_log"), {"action": "enterprise"}).content.decode()
    assert "enterprise.update" in html and "institution.create" not in html


def test_snapshot_of_an_empty_file_field_is_none(world):
    from nqihub.core.audit import snapshot
    from nqihub.standards.models import Disclosure

    draft = Disclosure(
        enterprise=world.inside["enterprise"],
        region_code="450321",
        kind="enterprise",
        standard_number="Q/T 1-2025",
        normalized_number="Q/T 1-2025",
        title="快照",
    )
    assert snapshot(draft)["document"] is None
