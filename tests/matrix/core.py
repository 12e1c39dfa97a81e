"""Permission-matrix rows of the core pages, reference data, the audit log and the registry."""

from .kinds import (
    SLUG,
    ApiDetail,
    ApiList,
    AuditOnly,
    Endpoint,
    HtmlCreate,
    HtmlDetail,
    HtmlList,
    Public,
    ReferenceData,
)

ROWS: dict[str, Endpoint] = {
    "core:home": Public(),
    "core:about": Public(),
    "core:coming": Public(kwargs=(("slug", "metering"),)),
    "core:login": Public(expect_when_logged_in=302),  # a logged-in user is sent on to the home page
    "core:logout": Public(method="post", expect=302),
    "set_language": Public(method="post", expect=302),
    "api-schema": Public(),
    "api-docs": Public(),
    "api-root": Public(),
    "core:audit_log": AuditOnly(),
    "auditevent-list": AuditOnly(api=True),
    "auditevent-detail": AuditOnly(api=True, detail=True),
    "region-list": ReferenceData(),
    "region-detail": ReferenceData(kwargs=(("pk", 1),)),
    "industry-list": ReferenceData(),
    "industry-detail": ReferenceData(kwargs=(("code", "3074"),)),
    "ccs-list": ReferenceData(),
    "ccs-detail": ReferenceData(kwargs=(("code", "A00"),)),
    "ics-list": ReferenceData(),
    "ics-detail": ReferenceData(kwargs=(("code", "01.120"),)),
}
for _model, _slug in SLUG.items():
    ROWS[f"registry:{_slug}_list"] = HtmlList(_model)
    ROWS[f"registry:{_slug}_detail"] = HtmlDetail(_model)
    ROWS[f"registry:{_slug}_edit"] = HtmlDetail(_model, table="change")
    ROWS[f"registry:{_slug}_create"] = HtmlCreate(_model)
    ROWS[f"{_model}-list"] = ApiList(_model)
    ROWS[f"{_model}-detail"] = ApiDetail(_model)
