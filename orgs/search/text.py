"""Words as the search compares them: folded (lower case, no accents) the same way in
Python, in SQLite (portal_normalize, registered in orgs.apps) and in the words the
registration and the import store (services)."""

import re
import unicodedata

MAX_TERMS = 8

# Letters that do not decompose into a base letter and an accent.
_EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ß": "ss", "æ": "ae", "œ": "oe", "ς": "σ"}
)


def normalize(text):
    """Lower case without accents: 'Brīnumiņš' -> 'brinumins', 'Αγλαντζιάς' -> 'αγλαντζιασ'."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.translate(_EXTRA_FOLDS)


def query_terms(text):
    """The words of a query, lower-cased, as the user typed them (accents kept)."""
    words = re.findall(r"\w+", (text or "").lower())
    return [word[:60] for word in words if len(word) >= 2][:MAX_TERMS]
