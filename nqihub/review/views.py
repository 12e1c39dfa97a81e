"""Pages of the automated standard review: thin views over nqihub.review.services.

- Enterprise staff self-check a disclosure (draft or disclosed) from its page, or any DOCX/PDF by upload (shown,
  not stored); a regulator reviews one disclosure of its jurisdiction the same way, or starts a batch over
  everything disclosed there, run by the task worker with its progress on the batch page.
- Every stored review has a detail page and a printable report (HTML, and PDF through WeasyPrint).

Everything works without JavaScript: actions are POST forms with CSRF, a running batch's page reloads itself
with `<meta http-equiv="refresh">`, and a refused upload re-shows the form with intake's message by the field.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from nqihub.core.models import Role
from nqihub.core.scoping import Action, can, reach, restrict
from nqihub.core.views_base import PublicPage, ScopedDetailView, ScopedListView, ScopedMixin
from nqihub.standards.documents import DocumentRefused, read_upload
from nqihub.standards.models import Disclosure

from . import forms, report, services
from .intake import IntakeError
from .models import Outcome, Review, ReviewBatch

RUNNING = (ReviewBatch.Status.QUEUED, ReviewBatch.Status.RUNNING)
BATCH_REFRESH_SECONDS = 3


def review_region(user) -> str:
    """The region whose enterprise-number rules apply to a document the user uploads (C1)."""
    enterprise = getattr(user, "enterprise", None)
    return (
        (enterprise.region_code if enterprise is not None else "") or getattr(user, "region_code", "") or ""
    )


class ReviewHome(PublicPage):
    """What the review checks and how the outcome is decided, with the actions the visitor's role has."""

    template_name = "review/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            checks=[
                {"id": check, "title": title, "dimension": report.CHECK_DIMENSIONS[check].label}
                for check, title in report.CHECK_TITLES.items()
            ],
            can_upload=reach(user, Review, Action.VIEW) is not None,
            can_disclose=reach(user, Disclosure, Action.ADD) is not None,
            can_batch=reach(user, ReviewBatch, Action.VIEW) is not None,
            rectification_days=report.rectification_days(),
        )
        return ctx


class ReviewList(ScopedListView):
    """Enterprise staff: the reviews of their own disclosures, self-checks included. Regulators: the reviews of
    their jurisdiction. The administrator: every review but the enterprises' self-checks."""

    scope_model = Review
    filterset_class = forms.ReviewFilter
    template_name = "review/list.html"

    def scoped(self, action=None):
        return (
            super()
            .scoped(action)
            .select_related("disclosure__enterprise", "batch")
            .annotate(finding_count=Count("findings"))
            .order_by("-created_at", "-id")
        )


class ReviewDetail(ScopedDetailView):
    scope_model = Review
    template_name = "review/detail.html"

    def scoped(self, action=None):
        return super().scoped(action).select_related("disclosure__enterprise", "batch", "requested_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        review = ctx["object"]
        lines = report.finding_lines(review.findings.all())
        disclosure = review.disclosure
        visible = disclosure is not None and can(self.request.user, Action.VIEW, Disclosure, disclosure)
        earlier = (
            self.scoped().filter(disclosure=disclosure).exclude(pk=review.pk)[:20]
            if disclosure is not None
            else []
        )
        ctx.update(
            groups=report.by_dimension(lines),
            finding_total=len(lines),
            references=[r for r in review.references if r.get("normative", True)],
            disclosure_visible=visible,
            other_reviews=earlier,
            deadline=report.rectification_deadline(review),
            bureau=report.issuing_bureau(review),
            number=report.document_number(review),
            report_title=report.report_title(review),
        )
        return ctx


class ReviewReport(ScopedMixin, View):
    """The printable report (HTML): the same page the PDF is made of, with links to print or download."""

    scope_model = Review

    def get(self, request, pk):
        review = get_object_or_404(self.scoped().select_related("disclosure__enterprise"), pk=pk)
        return HttpResponse(report.render_html(review, toolbar=True, request=request))


class ReviewReportPdf(ScopedMixin, View):
    scope_model = Review

    def get(self, request, pk):
        review = get_object_or_404(self.scoped().select_related("disclosure__enterprise"), pk=pk)
        response = HttpResponse(report.render_pdf(review), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, report.report_filename(review))
        return response


class DisclosureReview(ScopedMixin, View):
    """POST: enterprise staff self-check their own disclosure (自查); a regulator reviews a disclosed one of its
    jurisdiction. Either way the result is stored for that version and its page opens."""

    scope_model = Review
    scope_action = Action.ADD
    http_method_names = ["post"]

    def post(self, request, pk):
        visible = restrict(Disclosure.objects.all(), request.user, Action.VIEW)
        disclosure = get_object_or_404(visible.select_related("enterprise"), pk=pk)
        self_check = request.user.role == Role.ENTERPRISE
        review = services.review_disclosure(request.user, disclosure, self_check=self_check)
        messages.success(
            request,
            (_("自查完成:%(outcome)s") if self_check else _("审查完成:%(outcome)s"))
            % {"outcome": review.get_outcome_display()},
        )
        return HttpResponseRedirect(review.get_absolute_url())


class UploadReview(ScopedMixin, View):
    """Self-check of any DOCX or PDF: the findings are shown on the page and nothing is stored."""

    scope_model = Review
    template_name = "review/upload.html"

    def render(self, form, status=200, **extra):
        return render(self.request, self.template_name, {"form": form, **extra}, status=status)

    def get(self, request):
        return self.render(forms.UploadForm())

    def post(self, request):
        form = forms.UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        upload = form.cleaned_data["document"]
        try:
            reading, data, result = services.review_document(
                read_upload(upload), upload.name, region_code=review_region(request.user)
            )
        except (IntakeError, DocumentRefused) as exc:
            form.add_error("document", getattr(exc, "message", None) or str(exc))
            return self.render(form, status=400)
        lines = report.finding_lines(result.findings)
        return self.render(
            forms.UploadForm(),
            filename=upload.name,
            reading=reading,
            data=data,
            result=result,
            outcome_label=Outcome(result.outcome).label,
            groups=report.by_dimension(lines),
            finding_total=len(lines),
            references=[r for r in reading.references if r.normative],
        )


# --- batches ------------------------------------------------------------------------------------------------


def batch_progress(batch: ReviewBatch) -> int:
    """Percent done; a finished batch is 100 % even when its region had nothing to review."""
    if batch.status == ReviewBatch.Status.DONE:
        return 100
    return min(100, batch.done * 100 // batch.total) if batch.total else 0


class BatchList(ScopedMixin, View):
    """A regulator's batches with their progress, and the form that starts one for its jurisdiction or a
    division of it (POST)."""

    scope_model = ReviewBatch
    template_name = "review/batch_list.html"
    paginate_by = 25

    def can_start(self) -> bool:
        return reach(self.request.user, ReviewBatch, Action.ADD) is not None

    def render(self, form=None, status=200):
        rows = self.scoped().select_related("requested_by")
        page = Paginator(rows, self.paginate_by).get_page(self.request.GET.get("page"))
        for batch in page.object_list:
            batch.progress = batch_progress(batch)
        ctx = {
            "page": page,
            "rows": page.object_list,
            "form": form
            or (forms.BatchForm(region_code=self.request.user.region_code) if self.can_start() else None),
            "refresh": any(b.status in RUNNING for b in page.object_list),
            "refresh_seconds": BATCH_REFRESH_SECONDS,
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request):
        return self.render()

    def post(self, request):
        if not self.can_start():
            raise PermissionDenied(_("您的角色不能发起批量审查"))
        form = forms.BatchForm(request.POST, region_code=request.user.region_code)
        if not form.is_valid():
            return self.render(form, status=400)
        batch = services.start_batch_review(request.user, form.cleaned_data["region_code"])
        messages.success(
            request, _("已发起批量审查,共 %(n)d 份已公开的标准声明,由后台任务执行") % {"n": batch.total}
        )
        return HttpResponseRedirect(reverse("review:batch_detail", args=[batch.pk]))


class BatchDetail(ScopedDetailView):
    """Progress while the worker runs (the page reloads itself), then the counts by outcome and the reviews."""

    scope_model = ReviewBatch
    template_name = "review/batch_detail.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        batch = ctx["object"]
        reviews = restrict(batch.reviews.all(), self.request.user, Action.VIEW).select_related(
            "disclosure__enterprise"
        )
        counted = dict(reviews.order_by().values_list("outcome").annotate(n=Count("id")))
        page = Paginator(
            reviews.annotate(finding_count=Count("findings")).order_by("outcome", "id"), self.paginate_by
        ).get_page(self.request.GET.get("page"))
        ctx.update(
            progress=batch_progress(batch),
            running=batch.status in RUNNING,
            refresh_seconds=BATCH_REFRESH_SECONDS,
            counts=[(value, label, counted.get(value, 0)) for value, label in Outcome.choices],
            page=page,
            rows=page.object_list,
        )
        return ctx
