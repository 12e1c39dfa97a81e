"""The review panel of a disclosure's page: its latest review the visitor may see, and the 自查 / 审查 button."""

from dataclasses import dataclass

from django import template
from django.urls import reverse

from nqihub.core.models import Role
from nqihub.core.scoping import Action, can, restrict
from nqihub.standards.models import DisclosureState

from ..models import Review

register = template.Library()


@dataclass(frozen=True)
class ReviewPanel:
    latest: Review | None
    action: str  # "self_check" (the owner's staff), "review" (a regulator of the region) or "" (none)
    url: str


@register.simple_tag(takes_context=True)
def disclosure_review(context, disclosure) -> ReviewPanel:
    """`{% disclosure_review d as panel %}`: what the review panel of `disclosure` shows this visitor."""
    user = context["request"].user
    latest = (
        restrict(Review.objects.filter(disclosure=disclosure), user, Action.VIEW)
        .order_by("-created_at", "-id")
        .first()
    )
    action = ""
    if can(user, Action.ADD, Review, Review(disclosure=disclosure, region_code=disclosure.region_code)):
        if user.role == Role.ENTERPRISE and disclosure.state in (
            DisclosureState.DRAFT,
            DisclosureState.DISCLOSED,
        ):
            action = "self_check"
        elif user.role == Role.REGULATOR and disclosure.state == DisclosureState.DISCLOSED:
            action = "review"
    url = reverse("review:disclosure_review", args=[disclosure.pk]) if action else ""
    return ReviewPanel(latest, action, url)
