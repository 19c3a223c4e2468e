"""The e-mail confirmation link."""

import copy
from datetime import timedelta

from roadmap_portal.lib.signing import LinkInvalid, SignedLink

# Signs a fingerprint of the state that confirming changes (the confirmation time, the
# account's activation) and that a password or address change changes: a link confirms
# once and never signs anyone in again.
EMAIL_CONFIRMATION = SignedLink(
    "accounts.email-confirmation", max_age=timedelta(days=7), fields=("user", "state")
)


def _state(user):
    confirmed_at = user.email_confirmed_at
    confirmed_at = "" if confirmed_at is None else confirmed_at.replace(microsecond=0).isoformat()
    return (user.pk, user.password, user.email, user.is_active, confirmed_at)


def email_confirmation_token_for(user) -> str:
    """The confirmation link's one path segment."""
    return EMAIL_CONFIRMATION.make(
        {"user": user.pk, "state": EMAIL_CONFIRMATION.state_fingerprint(*_state(user))}
    )


def email_confirmation_check(user, data) -> None:
    """Returns when data (read from a link) still confirms user; raises LinkInvalid(USED)
    for a genuine link of this account that has since been used (it matches the account as
    it was before confirming, the password unchanged), LinkInvalid(STALE) otherwise."""
    if EMAIL_CONFIRMATION.check_state(data["state"], *_state(user)):
        return
    before = copy.copy(user)
    before.email_confirmed_at = None
    before.is_active = False
    if user.email_confirmed_at is not None and EMAIL_CONFIRMATION.check_state(
        data["state"], *_state(before)
    ):
        raise LinkInvalid(LinkInvalid.USED)
    raise LinkInvalid(LinkInvalid.STALE)
