import pytest
from django.urls import reverse
from django.utils import translation

from actionplans.services import partnership_start
from checklists.models import Roadmap
from checklists.services import roadmap_start, template_publish
from orgs.sides import Side
from tests.factories import OrganizationMembershipFactory


@pytest.fixture
def partnership(municipality, staff, organization):
    """Talsi's partnership with its lead municipality and the organization as signatory."""
    started = partnership_start(
        municipality=municipality,
        title="Atelpas brīži",
        shared_result="Ģimenes saņem atelpas brīžus.",
        actor=staff,
    )
    started.members.create(role="signatory", organization=organization, position=1)
    return started


@pytest.fixture
def template(db):
    return template_publish()


def complete(roadmap):
    Roadmap.objects.filter(pk=roadmap.pk).update(status=Roadmap.Status.COMPLETED)
    roadmap.refresh_from_db()
    return roadmap


@pytest.fixture
def municipal_roadmap(template, municipality, staff):
    return roadmap_start(
        form=Side.MUNICIPALITY, owner=municipality, title="Bērnu dienas centrs", actor=staff
    )


@pytest.fixture
def community_roadmap(template, organization, representative):
    return roadmap_start(
        form=Side.COMMUNITY, owner=organization, title="Atelpas brīži", actor=representative
    )


@pytest.fixture
def other_representative(municipality):
    """A representative of an organization that is not a partner."""
    return OrganizationMembershipFactory(organization__home_municipality=municipality).user


def url_of(name, **kwargs):
    """A page's address in English, the language the tests read."""
    with translation.override("en"):
        return reverse(f"actionplans:{name}", kwargs=kwargs)


@pytest.fixture
def people(municipality, coordinator, organization, representative):
    """The four people a signed revision needs (tests/actionplans/signed_revisions.py)."""
    return {
        "municipality": municipality,
        "coordinator": coordinator,
        "organization": organization,
        "representative": representative,
    }
