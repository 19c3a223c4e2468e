import pytest

from checklists.models import Form
from checklists.services import roadmap_start, template_publish


@pytest.fixture
def template(db):
    return template_publish()


@pytest.fixture
def municipal_roadmap(template, municipality, staff):
    return roadmap_start(
        form=Form.MUNICIPALITY, owner=municipality, title="Bērnu dienas centrs", actor=staff
    )


@pytest.fixture
def community_roadmap(template, organization, representative):
    return roadmap_start(
        form=Form.COMMUNITY, owner=organization, title="Atelpas brīži", actor=representative
    )
