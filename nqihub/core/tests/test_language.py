"""Simplified Chinese first, English second: the switch works without JavaScript (a plain POST form)."""

from django.urls import reverse


def test_chinese_is_the_default(client, db):
    html = client.get(reverse("core:home")).content.decode()
    assert "质量基础设施一站式服务与监管平台" in html
    assert '<html lang="zh-hans">' in html


def test_switching_to_english_and_back(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in html
    assert "Quality Infrastructure One-Stop Service and Supervision Platform" in html
    assert "Benchmarking" in html and "Log in" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "对标达标" in client.get(reverse("core:home")).content.decode()


def test_validation_messages_are_translated(world, client):
    client.force_login(world.users["admin"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(
        reverse("enterprise-list"),
        {"name": "x", "uscc": "123", "region_code": "450322"},
        content_type="application/json",
    )
    assert "18 characters" in " ".join(response.json()["uscc"])
    assert "retired" in " ".join(response.json()["region_code"])


def test_the_home_page_offers_public_search_without_javascript(client, db):
    html = client.get(reverse("core:home")).content.decode()
    assert f'action="{reverse("search:search")}"' in html and 'name="q"' in html
