"""Messages of Django's that its own catalogues leave untranslated in the portal's languages,
which the portal carries in its catalogue (accounts/password_validation.py, accounts/apps.py).
Without them a Lithuanian, Portuguese or Greek page said them in Latvian (Django fills a gap
from the LANGUAGE_CODE catalogue) or in English."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from checklists.forms import ShareForm
from exchange.forms import ImportUploadForm
from orgs.forms import OrganizationForm, RegistrationForm
from orgs.models import Municipality
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

TOO_SHORT = "This password is too short. It must contain at least %d character."
# The message for Django's minimum of 8, as each language says it.
TOO_SHORT_FOR_8 = {
    "lv": "Šī parole ir pārāk īsa. Tajā ir jābūt vismaz 8 rakstzīmēm.",
    "en": "This password is too short. It must contain at least 8 characters.",
    "lt": "Šis slaptažodis per trumpas. Jį turi sudaryti bent 8 simboliai.",
    "sv": "Det här lösenordet är för kort. Det måste innehålla minst 8 tecken.",
    "pt": "Esta palavra-passe é demasiado curta. Deve conter pelo menos 8 caracteres.",
    # "κωδικός πρόσβασης", as the rest of the Greek interface says (Django's: "συνθηματικό").
    "el": (
        "Αυτός ο κωδικός πρόσβασης είναι πολύ σύντομος. "
        "Πρέπει να περιέχει τουλάχιστον 8 χαρακτήρες."
    ),
}
BLANK = "- Select an option -"


@pytest.mark.parametrize("language", TOO_SHORT_FOR_8)
def test_the_sign_up_says_a_password_is_too_short_in_the_pages_language(client, language):
    response = client.post(
        f"/{language}/accounts/signup/",
        {
            "full_name": "Jonas Petraitis",
            "email": "jonas@example.org",
            "password1": "Zq7!kd",
            "password2": "Zq7!kd",
        },
    )
    assert response.status_code == 200
    assert TOO_SHORT_FOR_8[language] in response.text


def _rendered(form_class):
    if form_class is ImportUploadForm:
        return str(form_class(municipalities=Municipality.objects.all()))
    return str(form_class())


@pytest.mark.parametrize(
    "form_class", [OrganizationForm, RegistrationForm, ShareForm, ImportUploadForm]
)
@pytest.mark.parametrize("language", ["lv", "lt", "sv", "pt", "el"])
def test_the_empty_choice_of_a_select_is_in_the_pages_language(form_class, language):
    MunicipalityFactory.create_batch(2)
    with translation.override(language):
        html = _rendered(form_class)
        translated_blank = gettext(BLANK)
    assert translated_blank != BLANK
    assert translated_blank in html
    assert BLANK not in html


def test_the_empty_choice_is_the_portals_english_in_english():
    with translation.override("en"):
        assert BLANK in str(ShareForm())
