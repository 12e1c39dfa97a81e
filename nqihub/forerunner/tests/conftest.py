"""Fixtures of the forerunner tests: uploads go to a temporary media directory."""

import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
