"""The coordinators' staff page in a browser: it reflows at 320 px (WCAG 1.4.10)."""

import pytest

from orgs.models import MunicipalityMembership
from orgs.services import staff_invite, staff_role_change
from tests.factories import PASSWORD, MunicipalityMembershipFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

# On how many lines the first occurrence of a word in the staff table is drawn.
LINES_OF_WORD = """word => {
  const table = document.querySelector("table");
  const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(word);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + word.length);
    return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
  }
  return 0;
}"""


def test_the_staff_page_fits_a_320_pixel_screen_with_its_history(
    browser, live_server, municipality
):
    coordinator = MunicipalityMembershipFactory(
        municipality=municipality,
        role=MunicipalityMembership.Role.COORDINATOR,
        user__email="coordinator.with.a.long.address@talsi.example.lv",
        # A long name without spaces, as some are: it must wrap, not widen the page.
        user__full_name="Anna-Marija Kalniņa-Bērziņa-Ozoliņa-Jankovska",
    ).user
    colleague = MunicipalityMembershipFactory(
        municipality=municipality,
        user__email="kolegis.ar.garu.adresi@talsi.example.lv",
        user__full_name="Christopher Featherstonehaugh-Vandenberghe",
    )
    MunicipalityMembershipFactory(
        municipality=municipality, role=MunicipalityMembership.Role.COORDINATOR
    )
    staff_role_change(
        membership=colleague, role=MunicipalityMembership.Role.COORDINATOR, actor=coordinator
    )
    staff_invite(
        municipality=municipality,
        inviter=coordinator,
        email="jauna.darbiniece.ar.garu.adresi@talsi.example.lv",
        role=MunicipalityMembership.Role.STAFF,
        language="lv",
        base_url=live_server.url,
    )
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    page.goto("/en/accounts/login/")
    page.get_by_label("E-mail address").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.goto(f"/en/municipalities/{municipality.slug}/staff/")
    assert page.get_by_role("region", name="Recent changes to the staff").is_visible()
    # Only the tables may scroll, inside their own regions; the page does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # A name breaks between its parts, never inside a word (automatic table layout with
    # word-break broke "Koordin|atore").
    for word in ["Featherstonehaugh", "Kalniņa", "Jankovska", "Vandenberghe"]:
        assert page.evaluate(LINES_OF_WORD, word) == 1, word
    # Two columns, the actions under the role: nothing is hidden to the side of the table.
    staff = page.get_by_role("region", name="Who works for the municipality")
    assert staff.evaluate("region => region.scrollWidth <= region.clientWidth")
    assert_accessible(page)
    context.close()
