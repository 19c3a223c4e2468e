from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def register_sqlite_functions(sender, connection, **kwargs):
    # SQLite has no unaccent(); the directory search needs the same folding there.
    if connection.vendor == "sqlite":
        from .search.text import normalize

        connection.connection.create_function("portal_normalize", 1, normalize, deterministic=True)


def _every_public_page_changed(**_signal):
    from roadmap_portal.lib.pagecache import public_pages_changed

    public_pages_changed()


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Directory of organizations")

    def ready(self):
        connection_created.connect(register_sqlite_functions)
        from .forms import directory_choices_changed
        from .models import FieldOfActivity, Municipality, NeedKind, TargetGroup

        for model in (Municipality, FieldOfActivity, TargetGroup, NeedKind):
            post_save.connect(directory_choices_changed, sender=model, weak=False)
            post_delete.connect(directory_choices_changed, sender=model, weak=False)
            # Their names are on every entry's page and in the lists; they change rarely.
            post_save.connect(_every_public_page_changed, sender=model, weak=False)
            post_delete.connect(_every_public_page_changed, sender=model, weak=False)
