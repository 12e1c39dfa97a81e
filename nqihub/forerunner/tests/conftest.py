"""Fixtures of the forerunner tests: uploads go to a temporary media directory, and the cache that counts
objections (the rate limit) starts empty in every test."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()
