from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    @classmethod
    def normalize_email(cls, email):
        # People type their address in any case; one address is one account.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address.

    What a user may do comes from memberships (orgs.MunicipalityMembership,
    orgs.OrganizationMembership); portal administrators are superusers.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("E-mails from the portal are written in this language."),
    )
    is_staff = models.BooleanField(
        _("can use the admin site"),
        default=False,
        help_text=_("Portal administrators only."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    email_confirmed_at = models.DateTimeField(_("e-mail address confirmed"), null=True, blank=True)
    # Set by sign-up only, cleared when the address is confirmed. An inactive account
    # without it was deactivated by an administrator: no link or reset turns it back on.
    awaiting_confirmation = models.BooleanField(
        _("waiting for the e-mail confirmation"),
        default=False,
        # Also in the database: rows written without the field (an older release during a
        # deployment, historical models in migrations) are not waiting.
        db_default=False,
        help_text=_("Signed up, and the confirmation link has not been used yet."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=Q(awaiting_confirmation=False)
                | Q(is_active=False, email_confirmed_at__isnull=True),
                name="accounts_user_awaiting_confirmation_inactive",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    @property
    def is_deactivated(self) -> bool:
        """Turned off by an administrator, as opposed to a sign-up still to be confirmed."""
        return not self.is_active and not self.awaiting_confirmation

    def get_full_name(self):
        return self.full_name or self.email

    @property
    def public_name(self) -> str:
        """The name others read where no contact detail may show (a signed plan, a public
        page, a calendar feed): the full name, or else the address without its domain,
        which reaches nobody."""
        return self.full_name or self.email.partition("@")[0]

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email
