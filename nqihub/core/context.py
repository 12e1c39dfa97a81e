"""Who is acting, from where, in which request: set by the middleware for web requests and by commands for the CLI."""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None = None


_current: ContextVar[RequestContext | None] = ContextVar("nqihub_request_context", default=None)


def current() -> RequestContext:
    ctx = _current.get()
    return ctx if ctx is not None else RequestContext(request_id=f"adhoc-{uuid.uuid4().hex[:12]}")


@contextmanager
def request_context(request_id: str, ip_address: str | None = None):
    token = _current.set(RequestContext(request_id, ip_address))
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def command_context(name: str):
    """Audit events written by a CLI command share one request id, e.g. cli-import-3f2a…"""
    with request_context(f"cli-{name}-{uuid.uuid4().hex[:12]}"):
        yield
