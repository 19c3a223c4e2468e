import pytest
from django.core.management import call_command

from orgs.models import Organization, Service

pytestmark = pytest.mark.django_db


def test_it_writes_searchable_organizations_beside_the_demo_data():
    call_command("load_demo_data", stdout=None)
    demo = Organization.objects.count()
    call_command("generate_directory", "--count", "40", stdout=None)
    generated = Organization.objects.filter(slug__startswith="org-")
    assert generated.count() == 40 and Organization.objects.count() == demo + 40
    assert Service.objects.filter(organization__in=generated).exists()
    sample = generated.first()
    assert sample.version == 1 and sample.rejection_reason == ""
    assert f" m{sample.home_municipality_id} " in sample.facet_tokens
