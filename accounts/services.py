from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from roadmap_portal.lib.email import email_user

from .tokens import email_confirmation_token

User = get_user_model()


class ConfirmationInvalid(Exception):
    """The confirmation link is broken, expired, or no longer matches the account."""


class AlreadyConfirmed(Exception):
    """The confirmation link was genuine and has been used: the address is confirmed."""


@transaction.atomic
def user_register(*, email: str, full_name: str, password: str, language: str, base_url: str):
    """Create an account that can sign in once its e-mail address is confirmed."""
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, language=language, is_active=False
    )
    email_confirmation_send(user=user, base_url=base_url)
    return user


def email_confirmation_token_for(user) -> str:
    """The confirmation link's one path segment: the account's id and its token."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{uid}.{email_confirmation_token.make_token(user)}"


def email_confirmation_send(*, user, base_url: str) -> None:
    path = reverse("accounts:confirm_email", kwargs={"token": email_confirmation_token_for(user)})
    email_user(user, "confirm_email", {"name": user.full_name, "url": base_url + path})


def _user_and_token(token: str, queryset):
    uid, _, user_token = token.partition(".")
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
        return queryset.get(pk=pk), user_token
    except (ValueError, TypeError, OverflowError, User.DoesNotExist) as error:
        raise ConfirmationInvalid from error


def _check_confirmation(user, user_token: str) -> None:
    if email_confirmation_token.check_token(user, user_token):
        return
    if email_confirmation_token.was_used(user, user_token):
        raise AlreadyConfirmed
    raise ConfirmationInvalid


def user_for_confirmation(*, token: str):
    """The account a confirmation link is for, while the link still works.

    Raises AlreadyConfirmed for a genuine link that has been used, ConfirmationInvalid for
    anything else (broken, tampered, older than 7 days, or the password changed since).
    """
    user, user_token = _user_and_token(token, User.objects.all())
    _check_confirmation(user, user_token)
    return user


@transaction.atomic
def user_confirm_email(*, token: str):
    """Confirm the address and activate the account of a confirmation link, once: the token
    depends on the confirmation time, so using it ends it. Raises as user_for_confirmation."""
    # The row lock makes two presses of the button at once confirm one time.
    user, user_token = _user_and_token(token, User.objects.select_for_update())
    _check_confirmation(user, user_token)
    user.email_confirmed_at = timezone.now()
    user.is_active = True
    user.save(update_fields=["email_confirmed_at", "is_active"])
    return user


def user_password_reset_complete(*, user) -> None:
    """After a password reset the sign-in lockout of this account ends, from every address."""
    axes_reset(username=user.email)
