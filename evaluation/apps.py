from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        # The stages' dates join each partnership's calendar feed (actionplans.calendar);
        # the evaluation plan joins what a revision freezes (actionplans.content).
        from . import calendar, content  # noqa: F401

        content.register()
