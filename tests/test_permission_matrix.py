"""The permission matrix: every page and API endpoint × every role × a row inside and a row outside its reach.

Rows come from the modules of tests/matrix (one per area, each a dict ROWS). A URL that has no row fails
`test_every_endpoint_is_in_the_matrix`, and a view that declares neither a scope model nor that it is public
fails `test_every_view_declares_its_scope`.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import matrix
from tests.matrix.kinds import ROLES


def _rows() -> dict:
    rows: dict = {}
    for info in pkgutil.iter_modules(matrix.__path__):
        module = importlib.import_module(f"tests.matrix.{info.name}")
        for name, row in getattr(module, "ROWS", {}).items():
            assert name not in rows, f"{name} has rows in two matrix modules"
            rows[name] = row
    return rows


ENDPOINTS = _rows()


def _patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, ns)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else str(entry.pattern)), entry.callback


def test_every_endpoint_is_in_the_matrix():
    names = {name for name, _ in _patterns()}
    missing = names - set(ENDPOINTS)
    assert not missing, f"endpoints without a permission-matrix row: {sorted(missing)}"
    stale = set(ENDPOINTS) - names
    assert not stale, f"matrix rows for endpoints that no longer exist: {sorted(stale)}"


def test_every_view_declares_its_scope():
    undeclared = []
    for name, callback in _patterns():
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
        declared = (
            getattr(view, "scope_model", None) is not None
            or getattr(view, "public_page", False)
            or getattr(view, "public_endpoint", False)
        )
        if not declared:
            undeclared.append(name)
    assert not undeclared, f"views that declare neither scope_model nor public: {undeclared}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_permission_matrix(name, role, world, client):
    ENDPOINTS[name].check(client, world, role, name)


def test_delete_referenced_row_is_refused_with_409(world, client):
    """The enterprise an account belongs to cannot be deleted: a clear 409, the row and the account stay."""
    from nqihub.registry.models import Enterprise

    client.force_login(world.users["admin"])
    target = world.inside["enterprise"]
    response = client.delete(reverse("enterprise-detail", args=[target.pk]))
    assert response.status_code == 409
    assert "不能删除" in response.json()["detail"]
    assert Enterprise.objects.filter(pk=target.pk).exists()
