from django import forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    BaseUserCreationForm,
    UserChangeForm,
)
from django.utils.translation import gettext_lazy as _

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
            user = User.objects.filter(email__iexact=email, is_active=False).first()
            if user and user.email_confirmed_at is None and user.check_password(password):
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

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this e-mail address already exists. Sign in instead."),
                code="exists",
            )
        return email
