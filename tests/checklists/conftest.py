import pytest

from checklists.services import roadmap_start, template_publish
from orgs.sides import Side


@pytest.fixture
def template(db):
    return template_publish()


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
