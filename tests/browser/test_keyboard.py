"""Keyboard only: Tab, Shift+Tab, Space, Enter and typing fill in and send the registration
form and a checkpoint; the focus moves in the order of the screen and can always be seen
(WCAG 2.1.1, 2.4.3, 2.4.7, 1.4.11)."""

import itertools
import re

import pytest
from playwright.sync_api import expect

from checklists.models import Answer
from orgs.models import Organization

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# What the focused element is, where it is on the page, how its focus is drawn, and the
# background it is drawn on (the first ancestor with a colour of its own).
FOCUSED = """() => {
  const e = document.activeElement;
  const r = e.getBoundingClientRect();
  const s = getComputedStyle(e);
  let background = "rgb(255, 255, 255)";
  for (let p = e.parentElement; p; p = p.parentElement) {
    const colour = getComputedStyle(p).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") { background = colour; break; }
  }
  return {
    tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute("name") || "",
    type: e.getAttribute("type") || "", text: (e.innerText || e.value || "").trim().slice(0, 60),
    top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right,
    outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
    outlineColor: s.outlineColor, boxShadow: s.boxShadow, background,
    inMain: !!e.closest("main"), inHeader: !!e.closest("header"),
    skipLink: e.classList.contains("skip-link"),
  };
}"""


def rgb(text):
    return [int(float(part)) for part in re.findall(r"[\d.]+", text)[:3]]


def luminance(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first, second):
    lighter, darker = sorted([luminance(first), luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def assert_focus_visible(focused):
    """A ring of at least 2 px, one of whose colours (the outline or the box-shadow around
    it) contrasts at least 3:1 with what is behind it."""
    where = f"{focused['tag']}#{focused['id']} {focused['text']!r}"
    assert focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2, where
    colours = [rgb(focused["outlineColor"])]
    colours += [rgb(c) for c in re.findall(r"rgba?\([^)]*\)", focused["boxShadow"])]
    background = rgb(focused["background"])
    assert max(contrast(colour, background) for colour in colours) >= 3, where


def assert_in_reading_order(walk):
    """Each control is below the one before it, or beside it to the right on the same line:
    the order of the screen, read left to right and top to bottom."""
    for before, after in itertools.pairwise(walk):
        below = after["top"] >= before["bottom"] - 1
        same_line = after["top"] < before["bottom"] and after["bottom"] > before["top"]
        to_the_right = after["left"] >= before["right"] - 1
        assert below or (same_line and to_the_right), (before, after)


def walk_with_tab(page, act, *, until, limit=200):
    """Presses Tab from the top of the page, lets `act` type into what it reaches, and
    returns what had focus, up to the element `until` says ends the walk."""
    walk = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert_focus_visible(focused)
        walk.append(focused)
        act(focused)
        if until(focused):
            return walk
    pytest.fail(f"Tab never reached the end of the form: {walk[-1]}")


def test_the_skip_link_comes_first_and_leads_into_the_page(page):
    page.goto("/en/organizations/register/")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["skipLink"] and focused["text"] == "Skip to main content"
    assert_focus_visible(focused)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["inMain"], focused
    # Shift+Tab goes back the way it came: to the header's last link, the languages.
    page.keyboard.press("Shift+Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["inHeader"] and focused["text"] == "Ελληνικά", focused


def test_an_organization_registers_with_the_keyboard_alone(page, municipality):
    page.goto("/en/organizations/register/")
    answers = {
        "name": "Biedrība „Dzērvenīte”",
        "type": "Youth",
        "home_municipality": municipality.name,
        "services-0-name": "Purva takas",
        "account-full_name": "Ieva Dzērve",
        "account-email": "ieva@example.org",
        "account-password1": "a-long-and-unusual-password",
        "account-password2": "a-long-and-unusual-password",
    }

    def act(focused):
        if focused["name"] in answers:
            # A focused select chooses the option whose label starts with what is typed.
            page.keyboard.type(answers[focused["name"]])
        elif focused["name"] == "publication_consent":
            page.keyboard.press("Space")

    walk = walk_with_tab(page, act, until=lambda f: f["text"] == "Send for checking")
    assert walk[0]["skipLink"]
    header = [f for f in walk if f["inHeader"]]
    main = [f for f in walk if f["inMain"]]
    assert walk == [walk[0], *header, *main]
    assert header[0]["text"] == "Roadmap Portal"
    fields = [f["name"] for f in main if f["name"] in answers or f["name"] == "publication_consent"]
    assert fields == [*answers, "publication_consent"]
    assert_in_reading_order(main)

    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Registration received")
    registered = Organization.objects.get()
    assert registered.name == "Biedrība „Dzērvenīte”"
    assert registered.type == Organization.Type.YOUTH_ORGANIZATION
    assert registered.home_municipality == municipality


def test_a_checkpoint_is_answered_with_the_keyboard_alone(browser, live_server, community_roadmap):
    roadmap = community_roadmap
    context, page = sign_in(browser, live_server, "rep@example.org")
    page.goto(f"/en/roadmaps/{roadmap.pk}/1.3/")

    def act(focused):
        if focused["tag"] == "textarea" and focused["name"] != "not_applicable_reason":
            page.keyboard.type("Telpas pusaudžiem vakaros.")
        elif focused["name"] == "status":
            # The first radio of the group: "Yes, I have completed this section".
            page.keyboard.press("Space")

    walk = walk_with_tab(page, act, until=lambda f: f["name"] == "save_and_continue")
    main = [f for f in walk if f["inMain"]]
    assert_in_reading_order(main)
    names = ["guidance" if f["tag"] == "summary" else f["name"] for f in main]
    # The guidance beside the question comes before the answer it helps to write.
    assert names.index("guidance") < names.index("text")
    assert names.index("text") < names.index("status") < names.index("save_and_continue")

    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/1\.3/$"))
    answer = Answer.objects.get(roadmap=roadmap, checkpoint__code="1.3")
    assert answer.status == Answer.Status.COMPLETED
    assert "Telpas pusaudžiem vakaros." in answer.text
    context.close()
