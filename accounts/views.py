import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from roadmap_portal.lib.http import base_url

from .forms import SignupForm
from .lockout import lockout_ends_at
from .services import (
    AlreadyConfirmed,
    ConfirmationInvalid,
    user_confirm_email,
    user_for_confirmation,
    user_password_reset_complete,
    user_register,
)


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_register(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password1"],
            language=get_language(),
            base_url=base_url(request),
        )
        return redirect("accounts:check_email")
    return render(request, "registration/signup.html", {"form": form})


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
    except AlreadyConfirmed:
        return render(request, "registration/already_confirmed.html")
    except ConfirmationInvalid:
        hint = _(
            "The link is incomplete, more than 7 days old, or the password was changed since"
            " it was sent. Sign in, or create the account again."
        )
        return render(request, "link_invalid.html", {"hint": hint}, status=400)
    if request.method == "POST":
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            return redirect(next_url)
        return redirect("home")
    return render(request, "registration/confirm_email.html", {"confirm_user": user})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

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
