from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from roadmap_portal.lib.email import email_user

User = get_user_model()

CONFIRMATION_SALT = "accounts.confirm-email"
CONFIRMATION_MAX_AGE = 7 * 24 * 3600


class ConfirmationInvalid(Exception):
    """The confirmation link is broken, expired or for another address."""


@transaction.atomic
def user_register(*, email: str, full_name: str, password: str, language: str, base_url: str):
    """Create an account that can sign in once its e-mail address is confirmed."""
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, language=language, is_active=False
    )
    email_confirmation_send(user=user, base_url=base_url)
    return user


def email_confirmation_send(*, user, base_url: str) -> None:
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)
    path = reverse("accounts:confirm_email", kwargs={"token": token})
    email_user(user, "confirm_email", {"name": user.full_name, "url": base_url + path})


def user_for_confirmation(*, token: str):
    """The account a confirmation link is for."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
        return User.objects.get(pk=data["user"], email=data["email"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError) as error:
        raise ConfirmationInvalid from error


@transaction.atomic
def user_confirm_email(*, token: str):
    """Activate the account of a confirmation link; confirming twice is harmless."""
    user = user_for_confirmation(token=token)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_confirmed_at", "is_active"])
    return user
