from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models import fields

        from . import checks  # noqa: F401  (registers the deployment checks)

        # The empty choice of every select. Django 6.1's catalogues do not translate its
        # new label in any of the portal's languages; as the portal's own msgid it is in
        # the portal's catalogue. Django reads the label from here (its documented hook).
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")
