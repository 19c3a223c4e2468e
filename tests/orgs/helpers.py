import random


def registration_data(municipality, **overrides):
    """A complete, valid POST of the registration form for an anonymous person."""
    data = {
        "name": "Biedrība „Zīlīte”",
        "short_name": "Zīlīte",
        "type": "association",
        "legal_form": "biedrība",
        "registration_number": "40008000001",
        "home_municipality": str(municipality.pk),
        "description": "Putnu vērošana bērniem.",
        "email": "info@zilite.example.lv",
        "publication_consent": "on",
        "services-TOTAL_FORMS": "1",
        "services-INITIAL_FORMS": "0",
        "services-MIN_NUM_FORMS": "0",
        "services-MAX_NUM_FORMS": "30",
        "services-0-name": "Putnu pulciņš",
        "services-0-description": "Katru sestdienu.",
        "account-full_name": "Līga Ozola",
        "account-email": "liga@example.org",
        "account-password1": "a-long-and-unusual-password",
        "account-password2": "a-long-and-unusual-password",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def greek_text(length, seed):
    """Greek words, different on every call (a tsvector keeps each distinct word once):
    the text that made the search tsvector overflow (2 bytes a letter)."""
    rng = random.Random(seed)
    letters = "αβγδεζηθικλμνξοπρστυφχψω"
    words = []
    while sum(len(word) + 1 for word in words) < length:
        words.append("".join(rng.choice(letters) for _n in range(rng.randint(3, 9))))
    return " ".join(words)[:length]


def services_data(count, *, description_length=0):
    """The formset fields of `count` programmes, each with its own description."""
    data = {"services-TOTAL_FORMS": str(count), "services-INITIAL_FORMS": "0"}
    for n in range(count):
        data[f"services-{n}-name"] = f"Programma {n}"
        data[f"services-{n}-description"] = greek_text(description_length, seed=n)
    return data
