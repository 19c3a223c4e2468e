import copy
import json

import pytest
from playwright.sync_api import expect

from checklists.models import Answer, RemovedAnswer
from checklists.services import answer_save, roadmap_start, template_publish
from orgs.sides import Side
from tests.checklists.versions import version_two
from tests.factories import MunicipalityMembershipFactory

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_move_their_roadmap_to_a_newer_version_without_javascript(
    browser, live_server, municipality, tmp_path
):
    one = template_publish()
    staff = MunicipalityMembershipFactory(
        municipality=municipality, user__email="staff@example.org"
    ).user
    roadmap = roadmap_start(
        form=Side.MUNICIPALITY, owner=municipality, title="Dienas centrs", actor=staff
    )
    removed = roadmap.answers.get(checkpoint__code="2.3")
    answer_save(
        answer=removed,
        values={"text": "Sociālais dienests.", "status": Answer.Status.IN_PROGRESS},
        actor=staff,
        version=removed.version,
    )
    data = copy.deepcopy(one.source)
    data["version"] = 2
    version_two(data)
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    template_publish(path=path)

    # axe runs in JavaScript; the move itself is made in a browser without it.
    context, page = sign_in(browser, live_server, staff.email)
    for path in (f"/en/roadmaps/{roadmap.pk}/", f"/en/roadmaps/{roadmap.pk}/upgrade/"):
        page.goto(path)
        assert_accessible(page)
    context.close()

    context, page = sign_in(browser, live_server, staff.email, javascript=False)
    page.goto(f"/en/roadmaps/{roadmap.pk}/")
    notice = page.get_by_role("region", name="A newer version of the roadmap is available")
    notice.get_by_role("link", name="See what changes in version 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move the roadmap to version 2")
    expect(page.get_by_text("your answer will be kept in the history")).to_be_visible()
    page.get_by_role("button", name="Move to version 2").click()
    expect(page.get_by_text("The roadmap is on version 2 now.")).to_be_visible()
    expect(page.get_by_role("link", name="2.7 Agree who reports to whom")).to_be_visible()
    history = page.get_by_role("region", name="Answers to checkpoints no longer in the roadmap")
    expect(history).to_contain_text("Sociālais dienests.")
    context.close()

    context, page = sign_in(browser, live_server, staff.email)
    page.goto(f"/en/roadmaps/{roadmap.pk}/")
    assert_accessible(page)  # with the answers kept in the history
    context.close()
    assert RemovedAnswer.objects.get().content["text"] == "Sociālais dienests."
