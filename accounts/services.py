from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from roadmap_portal.lib.email import email_user
from roadmap_portal.lib.ratelimit import rate_limit_count, rate_limit_reached
from roadmap_portal.lib.signing import LinkInvalid

from .tokens import EMAIL_CONFIRMATION, email_confirmation_check, email_confirmation_token_for

User = get_user_model()


@transaction.atomic
def user_register(
    *, email: str, full_name: str, password: str, language: str, base_url: str, next_url: str = ""
):
    """Create an account that can sign in once its e-mail address is confirmed, and send the
    link, which leads on to `next_url` (a local path) once used. Returns the new user, or
    None when the address already has an account: its owner is told by e-mail instead (at
    most SIGNUP_NOTICE_LIMIT_PER_ADDRESS an hour), and the caller answers exactly as for a
    new account, so that nobody learns who has one."""
    email = User.objects.normalize_email(email)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    full_name=full_name,
                    language=language,
                    is_active=False,
                    awaiting_confirmation=True,
                )
        except IntegrityError:  # the same address signed up in between
            existing = User.objects.get(email__iexact=email)
        else:
            email_confirmation_send(user=user, base_url=base_url, next_url=next_url)
            return user
    # Hash the password all the same, so that the answer takes as long as for a new account.
    make_password(password)
    account_exists_notify(user=existing, base_url=base_url)
    return None


def language_for_address(email: str, *, default: str) -> str:
    """The language to write to an address in: its account's, or `default` (the sender's
    page language, say) when the address has no account."""
    language = (
        User.objects.filter(email__iexact=User.objects.normalize_email(email))
        .values_list("language", flat=True)
        .first()
    )
    return language or default


def account_exists_notify(*, user, base_url: str) -> bool:
    """Tell the owner that someone tried to create an account with their address; False
    when they were told often enough this hour, or the account was deactivated (its owner
    can neither sign in nor reset the password); the page says the same either way."""
    if user.is_deactivated:
        return False
    key, limit, hour = f"signup-notice:{user.email}", settings.SIGNUP_NOTICE_LIMIT_PER_ADDRESS, 3600
    if rate_limit_reached(key, limit=limit, window_seconds=hour):
        return False
    rate_limit_count(key, window_seconds=hour)
    with translation.override(user.language):
        urls = {
            "login_url": base_url + reverse("accounts:login"),
            "reset_url": base_url + reverse("accounts:password_reset"),
        }
    email_user(user, "account_exists", {"name": user.full_name, **urls})
    return True


def email_confirmation_send(*, user, base_url: str, next_url: str = "") -> None:
    """Send the confirmation link of an account waiting for it; a deactivated account (or
    one already confirmed) gets none, as using it would turn the account on. The link
    carries `next_url` (a local path the caller checked), where confirming leads on to."""
    if not user.awaiting_confirmation:
        return
    path = reverse("accounts:confirm_email", kwargs={"token": email_confirmation_token_for(user)})
    if next_url:
        path += "?" + urlencode({"next": next_url})
    email_user(user, "confirm_email", {"name": user.full_name, "url": base_url + path})


def _confirmation_user(token: str, queryset):
    data = EMAIL_CONFIRMATION.read(token)
    try:
        user = queryset.get(pk=data["user"])
    except User.DoesNotExist as error:
        raise LinkInvalid(LinkInvalid.STALE) from error
    email_confirmation_check(user, data)
    # Only a sign-up still waiting is confirmed: never an account an administrator
    # deactivated, whatever link it may hold.
    if not user.awaiting_confirmation:
        raise LinkInvalid(LinkInvalid.STALE)
    return user


def user_for_confirmation(*, token: str):
    """The account a confirmation link is for, while the link still works.

    Raises LinkInvalid: reason USED for a genuine link that has been used, another reason
    for anything else (broken, tampered, older than 7 days, the password changed since, or
    an account that is not waiting for its confirmation).
    """
    return _confirmation_user(token, User.objects.all())


@transaction.atomic
def user_confirm_email(*, token: str):
    """Confirm the address and activate the account of a confirmation link, once: the link
    signs the confirmation time, so using it ends it. Raises as user_for_confirmation."""
    # The row lock makes two presses of the button at once confirm one time.
    user = _confirmation_user(token, User.objects.select_for_update())
    _confirm(user)
    return user


def _confirm(user) -> None:
    user.email_confirmed_at = timezone.now()
    user.is_active = True
    user.awaiting_confirmation = False
    user.save(update_fields=["email_confirmed_at", "is_active", "awaiting_confirmation"])


@transaction.atomic
def user_password_reset_complete(*, user) -> None:
    """After a password reset: the sign-in lockout of this account ends (from every
    address), and a sign-up waiting for its confirmation counts as confirmed, since the
    reset link reached the address. A password chosen by whoever signed up with someone
    else's address is gone too. A deactivated account stays inactive."""
    axes_reset(username=user.email)
    if user.awaiting_confirmation:
        _confirm(user)


@transaction.atomic
def user_settings_update(*, user, full_name: str, language: str) -> None:
    """The user's own settings: the name others see, and the language the portal's
    e-mails to them are written in."""
    user.full_name = full_name
    user.language = language
    user.save(update_fields=["full_name", "language"])
