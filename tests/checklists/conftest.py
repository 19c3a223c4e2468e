import copy
import json

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


@pytest.fixture
def publish_version(template, tmp_path):
    """publish_version(change): the published template's file, changed in place by
    `change(data)`, published as the next version number."""

    def publish(change=None, *, number=None):
        data = copy.deepcopy(template.source)
        data["version"] = number or template.number + 1
        if change is not None:
            change(data)
        path = tmp_path / f"v{data['version']}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return template_publish(path=path)

    return publish
