import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from nqihub.core.models import Role
from nqihub.testing import user

PASSWORD = "Yangshuo2026ok"


@pytest.fixture
def account(db):
    return user("wang_regulator", Role.REGULATOR, password=PASSWORD, region_code="450321")


def test_passwords_are_hashed_with_argon2(account):
    assert account.password.startswith("argon2")
    assert account.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1", "太短"),
        ("abcdefghijkl", "字母和数字"),
        ("12345678901", "数字"),
        ("password123", "常见"),
    ],
)
def test_password_rules_name_the_reason(password, reason, db):
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password)
    assert any(reason in message for message in excinfo.value.messages), excinfo.value.messages


def test_login_and_logout_through_the_form(account, client):
    response = client.post(reverse("core:login"), {"username": "wang_regulator", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("registry:enterprise_list")).status_code == 200
    client.post(reverse("core:logout"))
    assert client.get(reverse("registry:enterprise_list")).status_code == 302


def test_login_is_throttled_after_five_failures(account, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(
            reverse("core:login"), {"username": "wang_regulator", "password": "wrong-pass-1"}
        )
        assert response.status_code == 200 and "请输入一个正确的" in response.content.decode()
    fifth = client.post(reverse("core:login"), {"username": "wang_regulator", "password": "wrong-pass-1"})
    assert fifth.status_code == 429
    # Even the right password is refused while the lock lasts.
    locked = client.post(reverse("core:login"), {"username": "wang_regulator", "password": PASSWORD})
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_csrf_is_enforced_on_forms(account):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("core:login"), {"username": "wang_regulator", "password": PASSWORD})
    assert response.status_code == 403


def test_security_headers(client, db):
    response = client.get(reverse("core:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "'nonce-" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert len(response["X-Request-ID"]) == 32


def test_every_script_on_a_page_is_local_and_carries_the_nonce(client, db):
    response = client.get(reverse("core:home"))
    html = response.content.decode()
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    scripts = html.count("<script")
    assert scripts >= 1 and html.count(f'nonce="{nonce}"') == scripts
    assert "http://" not in html.split("<body")[0].replace("http://www.w3.org", "")
    assert "https://" not in html.split("<body")[0]


def test_sessions_expire_after_inactivity():
    assert settings.SESSION_COOKIE_AGE <= 2 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_HTTPONLY
