import uuid

from .context import request_context


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trusted only when a deployment's proxy sets NQIHUB_TRUST_PROXY
    # (docs/deployment.md), otherwise any client could forge the address in the audit log.
    from django.conf import settings

    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id (echoed in the X-Request-ID header) that its audit events carry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex
        request.request_id = request_id
        with request_context(request_id, client_ip(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
