import pytest
from django.urls import reverse
from django.utils import translation

from tests.actionplans.conftest import other_representative, partnership  # noqa: F401


def url_of(name, **kwargs):
    """An evaluation page's address in English, the language the tests read."""
    with translation.override("en"):
        return reverse(f"evaluation:{name}", kwargs=kwargs)


@pytest.fixture
def english():
    with translation.override("en"):
        yield
