"""The token of the e-mail confirmation link."""

import copy

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Like Django's password-reset token: bound to state that changes when it is used
    (the confirmation time, the account's activation) and when the password or the address
    changes, so a link confirms once and never signs anyone in again."""

    key_salt = "accounts.tokens.EmailConfirmationTokenGenerator"
    max_age_seconds = 7 * 24 * 3600

    def _make_hash_value(self, user, timestamp):
        confirmed_at = (
            ""
            if user.email_confirmed_at is None
            else user.email_confirmed_at.replace(microsecond=0, tzinfo=None)
        )
        return f"{user.pk}{user.password}{user.email}{user.is_active}{confirmed_at}{timestamp}"

    def check_token(self, user, token):
        # Django's check reads PASSWORD_RESET_TIMEOUT; this link has its own 7 days.
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > self.max_age_seconds:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )

    def was_used(self, user, token) -> bool:
        """True when token is a genuine link of this account that has since been used: it
        matches the account as it was before confirming (and the password is unchanged)."""
        before = copy.copy(user)
        before.email_confirmed_at = None
        before.is_active = False
        return user.email_confirmed_at is not None and self.check_token(before, token)


email_confirmation_token = EmailConfirmationTokenGenerator()
