"""Fixtures shared by every app's tests: reference data in the test database, and users of every role."""

import pytest

from nqihub.core.reference import load_reference_data


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Reference data is loaded once per test database; tests run in transactions that roll back.
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def reference_data(db):
    """Reference data present even after a transactional (flushing) test; a no-op when already loaded."""
    from nqihub.core.models import ReferenceDataset
    from nqihub.core.reference import DATASETS

    if ReferenceDataset.objects.count() < len(DATASETS):
        load_reference_data()


@pytest.fixture
def world(reference_data):
    """Users of every role and one organisation of each kind inside and one outside their reach."""
    from nqihub.testing import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Simplified Chinese: a request that switched to English must not leak into the next."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
