from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from checklists.models import TemplateVersion
from checklists.services import TEMPLATE_PATH, TemplateAlreadyPublished, template_publish


class Command(BaseCommand):
    help = (
        "Publish the roadmap content of a fixture (default fixtures/roadmap_template.json) as "
        "a new template version. A published version never changes: raise the file's "
        '"version" for new content. New roadmaps start on the newest version; existing '
        "ones keep theirs. With --if-new, an already published version is not an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(TEMPLATE_PATH))
        parser.add_argument("--if-new", action="store_true")

    def handle(self, *args, file, if_new, **options):
        before = TemplateVersion.objects.count()
        try:
            version = template_publish(path=Path(file))
        except TemplateAlreadyPublished as error:
            if if_new:
                self.stdout.write(f"Template version {error.args[0]} is already published.")
                return
            raise CommandError(
                f'Version {error.args[0]} is already published; raise "version" in the file.'
            ) from error
        if TemplateVersion.objects.count() == before:
            self.stdout.write(f"Added translations to template version {version.number}.")
            return
        count = sum(step.checkpoints.count() for step in version.steps.all())
        self.stdout.write(f"Published template version {version.number}: {count} checkpoints.")
