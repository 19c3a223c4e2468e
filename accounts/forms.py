from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    BaseUserCreationForm,
    UserChangeForm,
)
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from roadmap_portal.lib.email import send_email
from roadmap_portal.lib.ratelimit import rate_limit_reached
from roadmap_portal.lib.text import validate_email_local_part

from .models import User


class EmailAuthenticationForm(AuthenticationForm):
    """The login form: an e-mail address and a password."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            # The right password for an account whose address is not confirmed yet deserves
            # a better answer than "wrong password".
            email = self.cleaned_data.get("username", "")
            password = self.cleaned_data.get("password", "")
            user = User.objects.filter(email__iexact=email, awaiting_confirmation=True).first()
            if user and user.check_password(password):
                raise forms.ValidationError(
                    _("Confirm your e-mail address first: open the link we sent you."),
                    code="unconfirmed",
                ) from None
            raise


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean(self):
        cleaned_data = super().clean()
        # An administrator who turns on a sign-up still waiting for its confirmation vouches
        # for it: it waits no more (and a later deactivation is one).
        if cleaned_data.get("is_active"):
            self.instance.awaiting_confirmation = False
        return cleaned_data


class SignupForm(BaseUserCreationForm):
    """A new account: name, e-mail address, a password typed twice."""

    class Meta:
        model = User
        fields = ["full_name", "email"]
        labels = {"full_name": _("Your full name"), "email": _("Your e-mail address")}
        help_texts = {"email": _("We will send you a link to confirm it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["email"].widget.attrs.update(autocomplete="email", spellcheck="false")
        self.fields["email"].widget.attrs.pop("autofocus", None)  # it may sit mid-page
        self.fields["full_name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].validators.append(validate_email_local_part)

    # An address already in use is not an error here: saying so would tell anyone who has
    # an account. accounts.services.user_register tells the owner by e-mail instead (and
    # the database's unique constraint still holds).
    def validate_unique(self):
        pass

    def validate_constraints(self):
        pass

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"])


def language_choices():
    """The portal's languages, each in its own name ("Lietuviškai", not "Lithuanian"): the
    one to pick may be the one the reader can read."""
    return [
        (code, capfirst(get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]


class AccountSettingsForm(forms.ModelForm):
    """A user's own settings."""

    class Meta:
        model = User
        fields = ["full_name", "language"]
        labels = {"full_name": _("Your full name"), "language": _("Language of your e-mails")}
        help_texts = {
            "language": _(
                "The e-mails the portal sends you, a password reset too, are in this language."
            )
        }
        widgets = {"language": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["full_name"].widget.attrs.update(autocomplete="name")
        self.fields["language"].choices = language_choices()


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, also for a sign-up waiting for its confirmation (the link proves the
    address as the confirmation link would), never for an account an administrator
    deactivated, and with a limit on the e-mails.

    Every request gets the same answer; an address that received
    PASSWORD_RESET_LIMIT_PER_ADDRESS links this hour receives no more until the hour ends.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent_to: list[str] = []  # the view counts these against the limits

    def get_users(self, email):
        email = User.objects.normalize_email(email)
        return (
            user
            for user in User.objects.filter(email__iexact=email)
            # iexact may match other letters in some databases' case folding ("ı", "K").
            if user.email.lower() == email
            and user.has_usable_password()
            and not user.is_deactivated
            and not rate_limit_reached(
                f"password-reset:address:{user.email}",
                limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
                window_seconds=3600,
            )
        )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Through the task worker, like every e-mail of the portal: in the reader's language,
        # and the page answers as fast for an address with an account as for one without.
        send_email.enqueue(
            to=[to_email],
            template="password_reset",
            context={key: context[key] for key in ("protocol", "domain", "uid", "token")},
            language=context["user"].language,
        )
        self.sent_to.append(to_email)
