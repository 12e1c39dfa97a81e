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


def test_every_source_string_has_an_english_translation(tmp_path, monkeypatch, settings):
    """makemessages over the sources into a copy of the catalogue: nothing may come out untranslated or fuzzy
    (a new Chinese string without its English would show Chinese on the English pages)."""
    import shutil
    import subprocess
    from pathlib import Path

    from django.core.management import call_command

    catalogue = Path(settings.BASE_DIR) / "nqihub" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    copy = tmp_path / "en" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(catalogue, copy)
    before = catalogue.stat().st_mtime_ns
    settings.LOCALE_PATHS = [tmp_path]
    monkeypatch.chdir(settings.BASE_DIR)
    call_command(
        "makemessages",
        locale=["en"],
        # nqihub/locale is ignored so that makemessages does not adopt it as an output directory: it writes into
        # the copy in LOCALE_PATHS only and never touches the repository's catalogue
        ignore_patterns=[".venv", "bench", "test-results", "var", "node_modules", "nqihub/locale"],
        verbosity=0,
    )
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(copy)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(copy)], capture_output=True, text=True, check=True
    ).stdout
    assert catalogue.stat().st_mtime_ns == before, "the test rewrote the repository's catalogue"
    missing = [line for line in untranslated.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    guessed = [line for line in fuzzy.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    assert not missing, f"{len(missing)} strings without English: {missing[:20]}"
    assert not guessed, f"{len(guessed)} fuzzy (guessed) translations: {guessed[:20]}"
    checked = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(copy)], capture_output=True)
    assert checked.returncode == 0, checked.stderr.decode()
