from django.test import override_settings


def test_anybody_reads_the_statement_without_signing_in(client, db):
    response = client.get("/en/accessibility/")
    assert response.status_code == 200
    assert "<h1>Accessibility statement</h1>" in response.text
    assert "partially compliant with WCAG 2.1 level AA and EN 301 549" in response.text
    assert "This statement was prepared on 02/12/2026." in response.text


def test_every_page_links_to_it_from_its_footer(client, db):
    for path in ["/en/", "/en/organizations/", "/en/accounts/login/", "/en/no-such-page/"]:
        footer = client.get(path).text.split("<footer", 1)[1]
        assert 'href="/en/accessibility/"' in footer, path


@override_settings(ACCESSIBILITY_CONTACT_EMAIL="a11y@portal.example.org")
def test_problems_are_reported_to_the_configured_address(client, db):
    response = client.get("/en/accessibility/")
    assert 'href="mailto:a11y@portal.example.org"' in response.text


@override_settings(ACCESSIBILITY_CONTACT_EMAIL="")
def test_without_an_address_it_sends_people_to_their_municipality(client, db):
    response = client.get("/en/accessibility/")
    assert "mailto:" not in response.text
    assert "Write to the staff of the municipality you work with" in response.text


def test_it_is_read_only(client, db):
    assert client.post("/en/accessibility/").status_code == 405
