"""Pages of the 对标达标 campaign (regulators and the platform administrator; docs/campaign.md):

- the dashboard: the counts per province / city / county of the user's jurisdiction on any day, ranked by a key,
  as a table and a bar chart; a ranking of pilot cities (imported from the national platform or computed here)
  with each city's movement, the home city's rank over time as a line chart and in bulletin words;
- xlsx exports of the counts and of a ranking; taking a ranking snapshot;
- trainings (list, record, edit) and pilot batches (list, record, add and remove cities).

Charts are drawn by a static script from a JSON block (no inline script, CSP); every figure is also in an HTML
table, so the page works without JavaScript.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from nqihub.core.models import Role
from nqihub.core.regions import check_region_code, in_jurisdiction, jurisdiction_prefix
from nqihub.core.scoping import Action, can, reach, restrict
from nqihub.core.views_base import ScopedFormView, ScopedListView, ScopedMixin
from nqihub.imports.columns import spec_for
from nqihub.imports.services import can_import

from . import campaign, campaign_exports, campaign_forms, campaign_services
from .campaign_filters import PilotBatchFilter, TrainingFilter
from .models import PilotBatch, PilotCity, RankingSnapshot, Training

# --- what is asked: region, day, level, key ------------------------------------------------------------------------


@dataclass
class Query:
    region: str  # "" = the whole country (the platform administrator only)
    day: datetime.date
    level: str  # province / city / county
    key: str
    errors: list[str]
    snapshot: str = ""  # the ranking shown, kept when the counts are asked differently

    @property
    def digits(self) -> int:
        return campaign.LEVEL_DIGITS[self.level]

    def params(self, **changes) -> str:
        from urllib.parse import urlencode

        values = {"region": self.region, "date": self.day.isoformat(), "level": self.level, "key": self.key}
        if self.snapshot:
            values["snapshot"] = self.snapshot
        values.update(changes)
        return urlencode(values)


def _default_level(region: str) -> str:
    length = len(jurisdiction_prefix(region)) if region else 0
    return campaign.LEVELS[min(length + 2, 6)] if length < 6 else "county"


def resolve_query(user, params) -> Query:
    """The region, day, level and key asked for. A regulator may ask only about its jurisdiction (PermissionDenied);
    a malformed value is reported and replaced by its default (the other values stay)."""
    errors: list[str] = []
    default = user.region_code if user.role == Role.REGULATOR else settings.HOME_REGION_CODE
    region = (params.get("region", default) or "").strip()
    if not region and user.role != Role.ADMIN:
        region = default
    if region:
        check = check_region_code(region)
        if not check.ok:
            errors.append(check.message)
            region = default
    if user.role == Role.REGULATOR and not in_jurisdiction(region, user.region_code):
        raise PermissionDenied(_("只能查看本辖区(%(code)s)的统计") % {"code": user.region_code})
    day_text = (params.get("date") or "").strip()
    day = timezone.localdate()
    if day_text:
        try:
            day = datetime.date.fromisoformat(day_text)
        except ValueError:
            errors.append(_("日期“%(v)s”无法识别,应为 YYYY-MM-DD") % {"v": day_text})
    level = (params.get("level") or "").strip() or _default_level(region)
    if level not in campaign.LEVEL_DIGITS:
        errors.append(_("未知的分组“%(v)s”") % {"v": level})
        level = _default_level(region)
    elif level not in dict(level_choices(region)):
        errors.append(_("所选地区不能按“%(v)s”分组") % {"v": campaign.LEVEL_LABELS[level]})
        level = _default_level(region)
    key = (params.get("key") or "").strip()
    try:
        key = campaign.ranking_key(key).slug
    except ValueError as exc:
        errors.append(str(exc))
        key = campaign.default_key()
    snapshot = (params.get("snapshot") or "").strip()
    return Query(region, day, level, key, errors, snapshot if snapshot.isdigit() else "")


def level_choices(region: str) -> list[tuple[str, str]]:
    """The levels a region is grouped by: its own level and the two below it (the whole country: provinces and
    cities, not its ~2,800 counties at once)."""
    length = len(jurisdiction_prefix(region)) if region else 0
    return [
        (level, str(label))
        for level, label in campaign.LEVEL_LABELS.items()
        if length <= campaign.LEVEL_DIGITS[level] <= length + 4
    ]


def _counts(user, query: Query) -> tuple[campaign.Figures, list[campaign.Figures]]:
    total = campaign.campaign_figures(user, query.region, query.day)
    rows = campaign.figures_by_division(user, query.region, query.day, query.digits)
    campaign.rank_figures(rows, campaign.ranking_key(query.key))
    return total, rows


class CampaignPage(ScopedMixin):
    """Regulators and the platform administrator (the grant of RankingSnapshot); the public goes to the login."""

    scope_model = RankingSnapshot


# --- the dashboard ------------------------------------------------------------------------------------------------


def _chart_data(rows, history, snapshot) -> dict:
    metrics = ("enterprises", "results", "verified", "trained")
    data = {
        "counts": {
            "categories": [row.region_name for row in rows],
            "codes": [row.region_code for row in rows],
            "series": [
                {"metric": m, "name": str(campaign.METRIC_LABELS[m]), "data": [getattr(r, m) for r in rows]}
                for m in metrics
            ],
        },
        "rank": None,
    }
    if history is not None and history.ranked:
        demo = _("(示例)") if snapshot.is_demo else ""
        data["rank"] = {
            "name": f"{history.region_name}{demo}",
            "title": _("%(city)s排名变化%(demo)s") % {"city": history.region_name, "demo": demo},
            "categories": [s.as_of.isoformat() for s, _r, _n in history.points],
            "data": [r for _s, r, _n in history.points],
            "sizes": [n for _s, _r, n in history.points],
        }
    return data


class Dashboard(CampaignPage, TemplateView):
    template_name = "benchmarking/campaign/dashboard.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        query = resolve_query(user, self.request.GET)
        total, rows = _counts(user, query)
        visible = restrict(campaign.snapshots(), user, Action.VIEW)
        snapshot_id = self.request.GET.get("snapshot") or ""
        if snapshot_id.isdigit():
            snapshot = get_object_or_404(visible, pk=snapshot_id)
        else:
            snapshot = campaign.default_snapshot()
        home = campaign.home_city(user)
        lines = campaign.ranking_table(snapshot, home) if snapshot is not None else []
        history = campaign.home_history(snapshot, home) if snapshot is not None else None
        may_snapshot = can(user, Action.ADD, RankingSnapshot)
        for row in rows:
            row.link = "?" + query.params(region=row.region_code, level="")
        series = (snapshot.source, snapshot.key, snapshot.batch_id, snapshot.is_demo) if snapshot else None
        ctx.update(
            query=query,
            errors=query.errors,
            total=total,
            sentence=total.sentence(query.day),
            rows=rows,
            metrics=[(m, campaign.METRIC_LABELS[m], campaign.METRIC_UNITS[m]) for m in campaign.METRICS],
            totals=[
                (m, campaign.METRIC_LABELS[m], campaign.METRIC_UNITS[m], getattr(total, m))
                for m in campaign.METRICS
            ],
            levels=[
                (value, label, "?" + query.params(level=value))
                for value, label in level_choices(query.region)
            ],
            keys=campaign.key_choices(),
            key_label=campaign.key_label(query.key),
            snapshot=snapshot,
            series=[
                (s.pk, campaign.series_label(s), (s.source, s.key, s.batch_id, s.is_demo) == series)
                for s in campaign.latest_of_each_series()
            ],
            series_label=campaign.series_label(snapshot) if snapshot is not None else "",
            snapshot_links=[
                (s, "?" + query.params(snapshot=s.pk))
                for s in (snapshot.series() if snapshot is not None else [])
            ],
            lines=lines,
            home=home,
            history=history,
            chart=_chart_data(rows, history, snapshot),
            may_snapshot=may_snapshot,
            may_delete=snapshot is not None and can(user, Action.DELETE, RankingSnapshot, snapshot),
            can_import=may_snapshot and can_import(user, spec_for("ranking")),
            user_is_admin=user.role == Role.ADMIN,
        )
        return ctx


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=campaign_exports.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class CountsExport(CampaignPage, View):
    def get(self, request):
        query = resolve_query(request.user, request.GET)
        if query.errors:
            return HttpResponse("\n".join(query.errors), status=400, content_type="text/plain; charset=utf-8")
        total, rows = _counts(request.user, query)
        content = campaign_exports.counts_xlsx(total, rows, query.day, query.key, query.level)
        return _xlsx_response(content, campaign_exports.counts_filename(total, query.day))


class RankingExport(CampaignPage, View):
    def get(self, request):
        snapshot_id = request.GET.get("snapshot") or ""
        if snapshot_id.isdigit():
            snapshot = get_object_or_404(
                restrict(campaign.snapshots(), request.user, Action.VIEW), pk=snapshot_id
            )
        else:
            snapshot = campaign.default_snapshot()
            if snapshot is None:
                return HttpResponse(_("还没有排名"), status=404, content_type="text/plain; charset=utf-8")
        lines = campaign.ranking_table(snapshot, campaign.home_city(request.user))
        content = campaign_exports.ranking_xlsx(snapshot, lines)
        return _xlsx_response(content, campaign_exports.ranking_filename(snapshot))


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class SnapshotCreate(CampaignPage, View):
    """Take a snapshot: rank a batch's cities by a key over this platform's data on a day."""

    scope_action = Action.ADD
    template_name = "benchmarking/campaign/snapshot_form.html"

    def batches(self):
        return restrict(PilotBatch.objects.all(), self.request.user, Action.VIEW)

    def render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form}, status=status)

    def get(self, request):
        form = campaign_forms.SnapshotForm(batches=self.batches(), initial=request.GET.dict())
        return self.render(form)

    def post(self, request):
        form = campaign_forms.SnapshotForm(request.POST, batches=self.batches())
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        try:
            made = campaign_services.take_snapshot(request.user, data["batch"], data["key"], data["as_of"])
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.render(form, status=400)
        messages.success(request, _("已生成排名:%(t)s(%(n)d 个城市)") % {"t": made, "n": made.rows.count()})
        return HttpResponseRedirect(made.get_absolute_url())


class SnapshotDelete(CampaignPage, View):
    """POST: the platform administrator removes a ranking (e.g. a table imported under a wrong day)."""

    scope_action = Action.DELETE
    http_method_names = ["post"]

    def post(self, request, pk):
        found = get_object_or_404(self.scoped(Action.DELETE), pk=pk)
        campaign_services.delete_snapshot(request.user, found)
        messages.success(request, _("已删除排名:%(t)s") % {"t": found})
        return HttpResponseRedirect(reverse("benchmarking:campaign"))


# --- trainings ----------------------------------------------------------------------------------------------------


class TrainingList(ScopedListView):
    scope_model = Training
    filterset_class = TrainingFilter
    template_name = "benchmarking/campaign/training_list.html"

    def scoped(self, action=None):
        return (
            super()
            .scoped(action)
            .annotate(enterprise_count=Count("enterprises", distinct=True))
            .order_by("-held_on", "-id")
        )


class TrainingForm(ScopedFormView):
    scope_model = Training
    form_class = campaign_forms.TrainingForm
    create_service = campaign_services.create_training
    update_service = campaign_services.update_training


# --- pilot batches ------------------------------------------------------------------------------------------------


class PilotList(ScopedListView):
    scope_model = PilotBatch
    filterset_class = PilotBatchFilter
    template_name = "benchmarking/campaign/pilot_list.html"

    def scoped(self, action=None):
        return (
            super()
            .scoped(action)
            .annotate(city_count=Count("cities", distinct=True))
            .order_by("-number", "-id")
        )


class PilotCreate(ScopedFormView):
    scope_model = PilotBatch
    form_class = campaign_forms.PilotBatchForm
    create_service = campaign_services.create_pilot_batch


class PilotDetail(ScopedMixin, View):
    """A batch's cities; POST adds cities (typed codes or names)."""

    scope_model = PilotBatch
    template_name = "benchmarking/campaign/pilot_detail.html"

    def batch(self, pk):
        return get_object_or_404(self.scoped(), pk=pk)

    def render(self, batch, form, status=200):
        user = self.request.user
        ctx = {
            "object": batch,
            "cities": batch.cities.order_by("region_code"),
            "form": form,
            "can_change": can(user, Action.CHANGE, PilotBatch, batch),
            "can_remove": reach(user, PilotCity, Action.DELETE) is not None,
            "snapshots": batch.snapshots.order_by("-as_of", "-id")[:12],
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, pk):
        return self.render(self.batch(pk), campaign_forms.PilotCitiesForm())

    def post(self, request, pk):
        batch = self.batch(pk)
        if not can(request.user, Action.CHANGE, PilotBatch, batch):
            raise PermissionDenied(_("您的角色无权修改试点城市批次"))
        form = campaign_forms.PilotCitiesForm(request.POST)
        if form.is_valid():
            try:
                added = campaign_services.add_pilot_cities(request.user, batch, form.cleaned_data["cities"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已加入 %(n)d 个城市") % {"n": len(added)})
                return HttpResponseRedirect(batch.get_absolute_url())
        return self.render(batch, form, status=400)


class PilotCityRemove(ScopedMixin, View):
    scope_model = PilotCity
    scope_action = Action.DELETE
    http_method_names = ["post"]

    def post(self, request, pk, city):
        row = get_object_or_404(self.scoped(), pk=city, batch_id=pk)
        campaign_services.remove_pilot_city(request.user, row)
        messages.success(request, _("已移出 %(c)s") % {"c": row})
        return HttpResponseRedirect(reverse("benchmarking:campaign_pilot_detail", args=[pk]))


def nav_items(user) -> list:
    """Menu entry (nqihub.core.navigation): the campaign dashboard for regulators and the administrator."""
    from nqihub.core.navigation import NavItem

    if reach(user, RankingSnapshot, Action.VIEW) is None:
        return []
    return [NavItem(_("对标统计排名"), reverse("benchmarking:campaign"))]
