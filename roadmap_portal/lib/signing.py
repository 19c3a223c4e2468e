"""Signed links: a value in a URL that only the portal can have written, for one purpose and
for a limited time.

Declare one SignedLink per purpose, once, next to the service that sends it:

    INVITATION = SignedLink("orgs.invitation", max_age=timedelta(days=14))
    token = INVITATION.make({"organization": organization.pk, "email": email})
    data = INVITATION.read(token)  # or raises LinkInvalid

The purpose is the signing salt, so a link made for one purpose is refused by every other.
Tokens are django.core.signing's (JSON, timestamped, SECRET_KEY_FALLBACKS honoured), so a
link keeps its format as long as its purpose keeps its name.

A link that must work once (an e-mail confirmation) signs a fingerprint of the state that
using it changes: `state_fingerprint(...)` in the value, `link.check_state(...)` on reading.
A link that vouches for a document signs what identifies it, say a signed action plan's
revision and the SHA-256 of its content, and the reader compares them with the stored ones.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac


class LinkInvalid(Exception):
    """A signed link that does not work; `reason` says why (one of the constants below), so
    a page can explain it without ever saying more than the link itself does."""

    EXPIRED = "expired"  # genuine, but older than the purpose's max_age
    TAMPERED = "tampered"  # broken, edited, cut short, or made for another purpose
    USED = "used"  # genuine, and has done its work once already
    STALE = "stale"  # genuine, but what it was for has changed since (or is gone)

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SignedLink:
    """One purpose of signed links: `purpose` names it (and salts the signature), `max_age`
    is how long a link works; `fields` are the keys every value (a dict) must have, so
    readers never meet a KeyError."""

    purpose: str
    max_age: timedelta
    fields: tuple[str, ...] = ()

    def make(self, value) -> str:
        """A token (URL-safe: letters, digits, `-_:`) that carries value (JSON-serializable)."""
        return signing.dumps(value, salt=self.purpose)

    def read(self, token: str):
        """The value a token carries; raises LinkInvalid(EXPIRED or TAMPERED)."""
        try:
            value = signing.loads(str(token), salt=self.purpose, max_age=self.max_age)
        except signing.SignatureExpired as error:
            raise LinkInvalid(LinkInvalid.EXPIRED) from error
        except signing.BadSignature as error:  # also a token of another purpose
            raise LinkInvalid(LinkInvalid.TAMPERED) from error
        if self.fields and not (isinstance(value, dict) and set(self.fields) <= value.keys()):
            # Signed by the portal, yet not of this shape: an older release's link.
            raise LinkInvalid(LinkInvalid.STALE)
        return value

    def state_fingerprint(self, *state, secret=None) -> str:
        """A short keyed digest of state (values whose str() changes when the link has been
        used or should stop working): signed in the value, it ties the link to that state
        without showing it (a link's value is readable by whoever holds it)."""
        text = "\x1f".join(str(part) for part in state)
        digest = salted_hmac(f"{self.purpose}.state", text, secret=secret, algorithm="sha256")
        return digest.hexdigest()[:32]

    def check_state(self, fingerprint, *state) -> bool:
        """Whether fingerprint (read from a link) is that of state, in constant time; links
        made before a change of SECRET_KEY still match through SECRET_KEY_FALLBACKS."""
        return any(
            constant_time_compare(str(fingerprint), self.state_fingerprint(*state, secret=key))
            for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        )
