"""The action plan and the communication plan: editing their rows, exports, the calendar feed."""

from django.http import Http404


def action_plan(request, **kwargs):
    raise Http404("Not built yet.")


def communication_plan(request, **kwargs):
    raise Http404("Not built yet.")


def action_plan_csv(request, **kwargs):
    raise Http404("Not built yet.")


def action_plan_xlsx(request, **kwargs):
    raise Http404("Not built yet.")


def calendar(request, **kwargs):
    raise Http404("Not built yet.")


def calendar_feed(request, **kwargs):
    raise Http404("Not built yet.")
