"""Dynamic adjustment and validity of published lists, one test per rule:

- a listed standard revised below its tier leaves the list; one revised keeping its tiers follows the new version
  but is held 待复核 — it does not count as listed on the strength of an unreviewed revision — until a review of
  the revision decides: not 不符合 (and no C2 finding) → it counts again, 不符合 → it leaves;
- a check of the draft made before the revision was disclosed is not a review of the revision;
- a 不符合 review of a listed standard takes it off the list; a review that is not the latest changes nothing;
- an entry held 待复核 goes into no notice and no list;
- expiry is a stored state change (`expire_lists`, `nqihub forerunner-expire`): idempotent and audited, and the
  pages show the same state from the dates before it has run.
"""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from nqihub.core.models import AuditEvent, Role
from nqihub.forerunner import services
from nqihub.forerunner.models import EntryState, ForerunnerList, ShortlistEntry
from nqihub.review import services as review_services
from nqihub.standards import services as disclosure_services
from nqihub.standards.models import Indicator
from nqihub.testing import COUNTY, user

from . import builders as b

pytestmark = pytest.mark.django_db

TOP = {"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"}
SECOND = {"铅溶出量": "0.3", "镉溶出量": "0.05", "白度": "75"}


@pytest.fixture
def evaluator(reference_data):
    return b.evaluator()


@pytest.fixture
def regulator(reference_data):
    return user("yangshuo_shencha", Role.REGULATOR, region_code=COUNTY)


@pytest.fixture
def on_list(evaluator):
    """A published list of two: the top standard and the second."""
    s = b.scheme(evaluator, top_n=2)
    top, second = b.standard(TOP, title="甲号瓷"), b.standard(SECOND, title="乙号瓷")
    listing = b.listed(evaluator, s)
    return (
        s,
        listing,
        ShortlistEntry.objects.get(disclosure=top),
        ShortlistEntry.objects.get(disclosure=second),
    )


def events(action: str, entry) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(entry.pk)).order_by("id"))


# --- revisions -----------------------------------------------------------------------------------------------


def test_a_revision_keeping_its_tiers_is_followed_but_held_for_recheck(on_list):
    _s, _listing, entry, other = on_list
    new = b.revise(entry.disclosure, {"白度": "85"})
    entry.refresh_from_db()
    assert entry.disclosure_id == new.pk and entry.state == EntryState.LISTED
    assert entry.pending_recheck and not entry.is_current
    (event,) = events("shortlistentry.follow_revision", entry)
    assert event.before["recheck_since"] is None and event.after["recheck_since"] is not None
    assert event.before["disclosure_id"] == new.previous_id and event.after["disclosure_id"] == new.pk
    other.refresh_from_db()
    assert other.is_current and not other.pending_recheck


def test_a_review_of_the_revision_not_nonconforming_puts_it_back(on_list, regulator):
    _s, _listing, entry, _other = on_list
    new = b.revise(entry.disclosure, {"白度": "85"})
    review = review_services.review_disclosure(regulator, new)  # the hook in review.services
    assert review.outcome == "conforming"
    entry.refresh_from_db()
    assert entry.state == EntryState.LISTED and not entry.pending_recheck and entry.is_current
    (event,) = events("shortlistentry.recheck", entry)
    assert event.after["review"] == review.pk and event.actor == regulator


def test_a_nonconforming_review_of_the_revision_removes_it(on_list, regulator):
    _s, _listing, entry, _other = on_list
    new = b.revise(entry.disclosure, {"白度": "85"})
    # The revision's whiteness row lost its test method: C5, a 完整性 finding → 不符合.
    Indicator.objects.filter(disclosure=new, name="白度").update(test_method="")
    review = review_services.review_disclosure(regulator, new)
    assert review.outcome == "nonconforming"
    entry.refresh_from_db()
    assert entry.state == EntryState.REMOVED and not entry.pending_recheck
    assert "版本 2" in entry.reason and "不符合" in entry.reason
    (event,) = events("shortlistentry.remove", entry)
    assert event.before["state"] == "listed" and event.actor == regulator


def test_a_review_finding_a_reference_not_current_removes_it(on_list):
    _s, _listing, entry, _other = on_list
    new = b.revise(entry.disclosure, {"白度": "85"})
    review = b.review(new, "minor", c2=True)  # stored directly: run the hook by hand
    assert services.recheck_reviewed(None, review) == {"removed": [entry.pk], "restored": []}
    entry.refresh_from_db()
    assert entry.state == EntryState.REMOVED and "C2" in entry.reason


def test_a_check_of_the_draft_before_it_was_disclosed_does_not_count(on_list):
    _s, _listing, entry, _other = on_list
    actor = b.staff(entry.enterprise)
    draft = disclosure_services.revise(actor, entry.disclosure)
    draft = disclosure_services.sign_commitment(actor, draft, "张三", "authorised")
    self_check = review_services.review_disclosure(actor, draft, self_check=True)
    assert self_check.outcome == "conforming"
    new = disclosure_services.disclose(actor, draft)
    entry.refresh_from_db()
    assert entry.disclosure_id == new.pk and entry.pending_recheck
    assert services.review_of_version(new) is None
    # A self-check of the disclosed revision is a review of it (the same automated checks the ranking counts).
    review_services.review_disclosure(actor, new, self_check=True)
    entry.refresh_from_db()
    assert not entry.pending_recheck and entry.is_current


def test_a_revision_below_its_tier_is_removed_without_waiting_for_a_review(on_list):
    _s, _listing, entry, _other = on_list
    b.revise(entry.disclosure, {"铅溶出量": "0.4"})
    entry.refresh_from_db()
    assert entry.state == EntryState.REMOVED and not entry.pending_recheck and "铅溶出量" in entry.reason


def test_an_entry_held_for_recheck_is_removed_when_its_revision_is_abolished(on_list):
    _s, _listing, entry, _other = on_list
    new = b.revise(entry.disclosure, {"白度": "85"})
    disclosure_services.abolish(b.staff(new.enterprise), new)
    entry.refresh_from_db()
    assert entry.state == EntryState.REMOVED and "废止" in entry.reason and not entry.pending_recheck


def test_a_second_revision_is_held_again(on_list, regulator):
    _s, _listing, entry, _other = on_list
    v2 = b.revise(entry.disclosure, {"白度": "85"})
    review_services.review_disclosure(regulator, v2)
    v3 = b.revise(v2, {"白度": "86"})
    entry.refresh_from_db()
    assert entry.disclosure_id == v3.pk and entry.pending_recheck


# --- reviews of listed standards ------------------------------------------------------------------------------


def test_a_nonconforming_review_of_a_listed_standard_removes_it(on_list):
    _s, _listing, entry, other = on_list
    review = b.review(entry.disclosure, "nonconforming")
    assert services.recheck_reviewed(None, review) == {"removed": [entry.pk], "restored": []}
    entry.refresh_from_db(), other.refresh_from_db()
    assert entry.state == EntryState.REMOVED and "不符合" in entry.reason
    assert other.state == EntryState.LISTED


def test_a_conforming_review_of_a_listed_standard_changes_nothing(on_list, regulator):
    _s, _listing, entry, _other = on_list
    before = AuditEvent.objects.filter(object_type="forerunner.shortlistentry").count()
    review_services.review_disclosure(regulator, entry.disclosure)
    entry.refresh_from_db()
    assert entry.is_current
    assert AuditEvent.objects.filter(object_type="forerunner.shortlistentry").count() == before


def test_a_review_that_is_not_the_latest_changes_nothing(on_list):
    _s, _listing, entry, _other = on_list
    new = b.revise(entry.disclosure, {"白度": "85"})
    older = b.review(new, "conforming")
    b.review(new, "conforming")
    assert services.recheck_reviewed(None, older) == {"removed": [], "restored": []}
    entry.refresh_from_db()
    assert entry.pending_recheck


# --- held entries go into no notice and no list ---------------------------------------------------------------


def test_an_entry_held_for_recheck_goes_into_no_notice_and_no_list(evaluator, regulator):
    s = b.scheme(evaluator, top_n=1)
    top = b.standard(TOP)
    b.standard(SECOND)
    services.run_ranking(evaluator, s)
    entry = s.entries.get(disclosure=top)
    b.commit(entry)
    new = b.revise(top, {"白度": "85"})
    today = timezone.localdate()
    with pytest.raises(services.ValidationError) as error:
        services.start_notice(
            evaluator, s, today - datetime.timedelta(days=20), today - datetime.timedelta(days=10)
        )
    assert error.value.code == "pending_recheck" and "待复核" in error.value.messages[0]
    review_services.review_disclosure(regulator, new)
    notice = services.start_notice(
        evaluator, s, today - datetime.timedelta(days=20), today - datetime.timedelta(days=10)
    )
    services.close_notice(evaluator, notice, today=today)
    b.revise(new, {"白度": "86"})  # held again after its notice
    with pytest.raises(services.ValidationError) as error:
        services.publish_list(evaluator, s)
    assert error.value.code == "pending_recheck" and "待复核" in error.value.messages[0]
    review_services.review_disclosure(regulator, ShortlistEntry.objects.get(pk=entry.pk).disclosure)
    listing = services.publish_list(evaluator, s)
    assert list(listing.entries.values_list("pk", flat=True)) == [entry.pk]


# --- what the public and the evaluator see ----------------------------------------------------------------------


def test_the_list_page_the_export_and_the_api_show_an_entry_held_for_recheck(client, on_list, evaluator):
    s, listing, entry, _other = on_list
    b.revise(entry.disclosure, {"白度": "85"})
    html = client.get(listing.get_absolute_url()).content.decode()
    assert 'data-testid="pending-recheck"' in html and "修订为版本 2" in html and "尚未经过审查" in html
    rows = {
        row["title"]: row for row in client.get(f"/api/v1/forerunner/lists/{listing.pk}/").json()["entries"]
    }
    assert rows["甲号瓷"]["pending_recheck"] is True and rows["甲号瓷"]["version"] == 2
    assert rows["乙号瓷"]["pending_recheck"] is False
    import openpyxl

    response = client.get(reverse("forerunner:list_export", args=[listing.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    by_title = {row[2]: row for row in sheet.iter_rows(values_only=True)}
    assert by_title["甲号瓷"][4] == "已列入领跑者名单(待复核)" and "版本 2" in by_title["甲号瓷"][7]
    client.force_login(evaluator)
    manage = client.get(reverse("forerunner:scheme_manage", args=[s.pk])).content.decode()
    assert 'data-testid="pending-alert"' in manage and "1 项入围标准已修订" in manage
    page = client.get(entry.get_absolute_url()).content.decode()
    assert 'data-testid="recheck-note"' in page


# --- validity -------------------------------------------------------------------------------------------------


@pytest.fixture
def old_list(evaluator):
    """A list published 400 days ago, valid for 12 months: its validity is over."""
    s = b.scheme(evaluator, top_n=2)
    b.standard(TOP, title="甲号瓷")
    b.standard(SECOND, title="乙号瓷")
    services.run_ranking(evaluator, s)
    for entry in s.entries.all():
        b.commit(entry)
    b.through_notice(evaluator, s)
    published = timezone.localdate() - datetime.timedelta(days=400)
    return s, services.publish_list(evaluator, s, today=published)


def test_expiry_marks_the_list_and_its_entries_and_is_audited_and_idempotent(old_list):
    s, listing = old_list
    removed = s.entries.order_by("pk").first()
    # Removed while the list was valid (e.g. its standard abolished then): it stays removed.
    ShortlistEntry.objects.filter(pk=removed.pk).update(state=EntryState.REMOVED, reason="标准已废止")
    done = services.expire_lists()
    listing.refresh_from_db()
    assert done.lists == [listing.pk] and listing.expired_at is not None and not listing.is_valid_on()
    states = dict(ShortlistEntry.objects.filter(listing=listing).values_list("pk", "state"))
    expired = [pk for pk, state in states.items() if state == EntryState.EXPIRED]
    assert states[removed.pk] == EntryState.REMOVED and len(expired) == 1 and done.entries == expired
    entry = ShortlistEntry.objects.get(pk=expired[0])
    assert entry.closed_at is not None and listing.valid_until.isoformat() in entry.reason
    (event,) = AuditEvent.objects.filter(action="forerunnerlist.expire", object_id=str(listing.pk))
    assert event.before["expired_at"] is None and event.after["entries"] == expired
    assert event.region_code == s.region_code
    again = services.expire_lists()
    assert again.lists == [] and again.entries == []
    assert AuditEvent.objects.filter(action="forerunnerlist.expire").count() == 1


def test_a_list_still_valid_is_not_expired(evaluator):
    s = b.scheme(evaluator, top_n=2)
    b.standard(TOP)
    b.standard(SECOND)
    listing = b.listed(evaluator, s)
    assert services.expire_lists().lists == []
    # The last day of the validity is still valid; the day after it is not.
    assert services.expire_lists(today=listing.valid_until).lists == []
    assert services.expire_lists(today=listing.valid_until + datetime.timedelta(days=1)).lists == [listing.pk]


def test_pages_and_api_show_expiry_before_and_after_the_command(client, old_list):
    _s, listing = old_list
    entry = listing.entries.first()
    assert (
        entry.state == EntryState.LISTED and entry.shown_state == EntryState.EXPIRED and not entry.is_current
    )

    def shown():
        html = client.get(listing.get_absolute_url()).content.decode()
        api = client.get(f"/api/v1/forerunner/lists/{listing.pk}/").json()
        home = client.get(reverse("forerunner:home")).content.decode()
        return html, api, home

    for _run in ("before", "after"):
        html, api, home = shown()
        assert 'data-testid="validity">已过有效期' in html
        assert 'data-state="expired"' in html and 'data-state="listed"' not in html
        assert listing.valid_until.isoformat() in html
        assert api["valid"] is False and {e["state"] for e in api["entries"]} == {"expired"}
        assert 'data-testid="list-expired"' in home
        services.expire_lists()
    assert ShortlistEntry.objects.get(pk=entry.pk).state == EntryState.EXPIRED


def test_a_revision_after_the_validity_leaves_the_expired_entry_alone(old_list):
    _s, listing = old_list
    entry = listing.entries.order_by("pk").first()
    b.revise(entry.disclosure, {"铅溶出量": "0.45"})
    entry.refresh_from_db()
    assert entry.state == EntryState.LISTED and entry.shown_state == EntryState.EXPIRED
    assert not AuditEvent.objects.filter(action="shortlistentry.remove", object_id=str(entry.pk)).exists()


def test_the_expiry_command(old_list):
    _s, listing = old_list
    out = io.StringIO()
    call_command("forerunner_expire", stdout=out)
    assert "到期名单 1 份" in out.getvalue() and "1 list(s) expired" in out.getvalue()
    event = AuditEvent.objects.get(action="forerunnerlist.expire")
    assert event.actor is None and event.request_id.startswith("cli-forerunner-expire-")
    out = io.StringIO()
    call_command("forerunner_expire", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"lists": [], "entries": []}
    assert ForerunnerList.objects.get(pk=listing.pk).expired_at is not None
