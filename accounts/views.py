import copy
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from roadmap_portal.lib.http import base_url
from roadmap_portal.lib.ratelimit import (
    client_ip,
    rate_limit_count,
    rate_limit_minutes_left,
    rate_limit_reached,
)
from roadmap_portal.lib.signing import LinkInvalid

from .forms import AccountSettingsForm, EmailAuthenticationForm, PasswordResetForm, SignupForm
from .lockout import lockout_ends_at
from .services import (
    user_confirm_email,
    user_for_confirmation,
    user_password_reset_complete,
    user_register,
    user_settings_update,
)

HOUR = 3600


def _too_many_from_network(form, *, minutes: int) -> None:
    # Said of the client's address, never of the e-mail typed: it reveals no account.
    form.add_error(
        None,
        ngettext(
            "Too many requests from your network. Try again in %(minutes)s minute.",
            "Too many requests from your network. Try again in %(minutes)s minutes.",
            minutes,
        )
        % {"minutes": minutes},
    )


def safe_next(request, url: str) -> str:
    """`url` if it is a page of this portal (a path, or this host), else "": a link that
    sends people on after signing up must never send them to another site."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


class SignInView(auth_views.LoginView):
    """Django's sign-in by e-mail. Without a `next`, where one lands depends on one's roles,
    which accounts does not know: settings.SIGN_IN_LANDING decides (None: the default)."""

    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        landing = import_string(settings.SIGN_IN_LANDING)(self.request.user)
        return resolve_url(landing or settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def signup(request):
    # Where to go once the account is confirmed (an invitation's page, say): kept through
    # the form and the confirmation link.
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = SignupForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    context = {"form": form, "next": next_url}
    if request.method == "POST":
        network, limit = f"signup:network:{client_ip(request)}", settings.SIGNUP_LIMIT_PER_NETWORK
        if rate_limit_reached(network, limit=limit, window_seconds=HOUR):
            _too_many_from_network(form, minutes=rate_limit_minutes_left(window_seconds=HOUR))
            return render(request, "registration/signup.html", context, status=429)
        if form.is_valid():
            # A new account, or (the address being taken) a notice to its owner: the same
            # page either way, and either counts against the network's limit.
            user_register(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                language=get_language(),
                base_url=base_url(request),
                next_url=next_url,
            )
            rate_limit_count(network, window_seconds=HOUR)
            return redirect("accounts:check_email")
    return render(request, "registration/signup.html", context)


def check_email(request):
    return render(request, "registration/check_email.html")


@require_http_methods(["GET", "POST"])
def confirm_email(request, token):
    """A page with one button: a mail scanner following the link confirms nothing. The link
    works once; afterwards it says the address is confirmed and signs nobody in."""
    try:
        if request.method == "POST":
            user = user_confirm_email(token=token)
        else:
            user = user_for_confirmation(token=token)
    except LinkInvalid as error:
        if error.reason == LinkInvalid.USED:
            return render(request, "registration/already_confirmed.html")
        hint = _(
            "The link is incomplete, more than 7 days old, or the password was changed since"
            " it was sent. Sign in, or create the account again."
        )
        return render(request, "link_invalid.html", {"hint": hint}, status=400)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "POST":
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
        return redirect(next_url or "home")
    return render(
        request, "registration/confirm_email.html", {"confirm_user": user, "next": next_url}
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    """The signed-in user's own settings; each user reaches only their own."""
    # A copy: a ModelForm writes the valid fields onto its instance even when the form is
    # refused, and request.user must not take a language that was not saved.
    form = AccountSettingsForm(request.POST or None, instance=copy.copy(request.user))
    if request.method == "POST" and form.is_valid():
        user_settings_update(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("Your settings are saved."))
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view with limits on the e-mails sent: PASSWORD_RESET_LIMIT_PER_NETWORK per
    client address an hour (then "try again in N minutes", which reveals no account), and
    per e-mail address in the form (then the same "check your e-mail" page, nothing sent)."""

    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        network = f"password-reset:network:{client_ip(request)}"
        limit = settings.PASSWORD_RESET_LIMIT_PER_NETWORK
        if rate_limit_reached(network, limit=limit, window_seconds=HOUR):
            form = self.get_form()
            _too_many_from_network(form, minutes=rate_limit_minutes_left(window_seconds=HOUR))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)  # sends the e-mail, if any
        for address in form.sent_to:
            rate_limit_count(f"password-reset:address:{address}", window_seconds=HOUR)
            rate_limit_count(
                f"password-reset:network:{client_ip(self.request)}", window_seconds=HOUR
            )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        # A link sent before an administrator deactivated the account works no more.
        return None if user is not None and user.is_deactivated else user

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_reset_complete(user=form.user)
        return response


def locked_out(request, original_response=None, credentials=None):
    """The page django-axes shows (settings.AXES_LOCKOUT_CALLABLE) when an account is locked
    out from this address: when to try again, and the password reset that unlocks it."""
    ends = lockout_ends_at(request, credentials)
    minutes = max(1, math.ceil((ends - timezone.now()).total_seconds() / 60))
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
