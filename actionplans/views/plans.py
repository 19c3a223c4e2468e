"""The action plan and the communication plan: editing their rows, exports, the calendar feed.

Both plans are edited the same way (_plan_page): every row on one page, a RowFormSet whose
buttons add, remove and move rows without JavaScript, saved as a whole list by one service
at the version of the plan the editor loaded.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from roadmap_portal.lib.forms import forms_with_errors
from roadmap_portal.lib.formsets import unbound_copy
from roadmap_portal.lib.locking import Conflict, VersionForm
from roadmap_portal.lib.spreadsheets import csv_response, xlsx_response

from ..access import get_partnership_for_user
from ..calendar import partnership_calendar
from ..forms_plans import (
    ActionFormSet,
    ActionItemForm,
    CommunicationFormSet,
    CommunicationItemForm,
    PlanChoices,
)
from ..models import Partnership
from ..services import action_plan_save, calendar_reset, communication_plan_save
from .returns import after_save


@dataclass(frozen=True)
class Plan:
    """What differs between the two plans' pages."""

    formset_class: Any
    form_class: Any
    prefix: str
    template: str
    version_field: str
    save: Any
    saved_message: Any
    unchanged_message: Any

    def saved_rows(self, partnership):
        raise NotImplementedError

    def choices(self, partnership, rows):
        raise NotImplementedError


class ActionPlan(Plan):
    def saved_rows(self, partnership):
        """The saved rows in order, each with its number, whether it is overdue (in the
        municipality's time zone) and the number of the row it depends on."""
        actions = list(
            partnership.actions.select_related(
                "responsible_user",
                "responsible_member__organization",
                "responsible_member__municipality",
            ).order_by("position", "id")
        )
        today = partnership.local_today()
        numbers = {action.pk: number for number, action in enumerate(actions, start=1)}
        for action in actions:
            action.number = numbers[action.pk]
            action.overdue = action.is_overdue(today)
            action.depends_on_number = numbers.get(action.depends_on_id)
        return actions

    def choices(self, partnership, rows):
        return PlanChoices.for_actions(partnership, rows)


class CommunicationPlan(Plan):
    def saved_rows(self, partnership):
        return list(partnership.communications.order_by("position", "id"))

    def choices(self, partnership, rows):
        return PlanChoices()


ACTION_PLAN = ActionPlan(
    formset_class=ActionFormSet,
    form_class=ActionItemForm,
    prefix="actions",
    template="actionplans/action_plan.html",
    version_field="actions_version",
    save=action_plan_save,
    saved_message=gettext_lazy("The action plan is saved."),
    unchanged_message=gettext_lazy("Nothing changed in the action plan."),
)
COMMUNICATION_PLAN = CommunicationPlan(
    formset_class=CommunicationFormSet,
    form_class=CommunicationItemForm,
    prefix="communications",
    template="actionplans/communication_plan.html",
    version_field="communications_version",
    save=communication_plan_save,
    saved_message=gettext_lazy("The communication plan is saved."),
    unchanged_message=gettext_lazy("Nothing changed in the communication plan."),
)


def _plan_page(request, pk, plan: Plan):
    """One plan's page: GET shows its rows; a row's button shows them changed, saving
    nothing; Save saves them all, or shows the errors, or the conflict."""
    partnership = get_partnership_for_user(request.user, pk, write=request.method == "POST")
    saved = plan.saved_rows(partnership)
    choices = plan.choices(partnership, saved)
    formset_kwargs = {
        "prefix": plan.prefix,
        "form_kwargs": {"choices": choices},
        "saved_ids": [row.pk for row in saved],
    }
    conflict = None
    changed = plan.formset_class.with_row_action(request.POST, **formset_kwargs)
    if changed is not None:  # a row's button: the page again, nothing saved
        formset, version = changed, unbound_copy(VersionForm, request.POST)
    elif request.method == "POST":
        formset = plan.formset_class(request.POST, **formset_kwargs)
        version = VersionForm(request.POST)
        if version.is_valid() and formset.is_valid():
            try:
                result = plan.save(
                    partnership=partnership,
                    rows=formset.plan_rows(),
                    version=version.cleaned_data["version"],
                    actor=request.user,
                )
            except Conflict as error:
                conflict = error.current
                saved = plan.saved_rows(partnership)
            else:
                message = plan.saved_message if result.anything else plan.unchanged_message
                messages.success(request, message)
                return after_save(request, partnership, redirect(request.path))
    else:
        formset = plan.formset_class(
            initial=[plan.form_class.initial_of(row) for row in saved], **formset_kwargs
        )
        version = VersionForm(initial={"version": getattr(partnership, plan.version_field)})
    if conflict is not None:
        # Saving again is a choice made having seen their rows: from their version.
        version = VersionForm(initial={"version": getattr(conflict, plan.version_field)})
    _mark_saved_rows(formset, saved)
    errors = forms_with_errors(version, formset)
    return render(
        request,
        plan.template,
        {
            "partnership": partnership,
            "formset": formset,
            "version": version,
            "saved": saved,
            "conflict": conflict,
            "errors": errors,
            "page_has_errors": bool(errors),
        },
    )


def _mark_saved_rows(formset, saved):
    """Each form with the saved row it edits (`form.saved`, None for a new row): what
    makes a row stand out while it is edited (overdue, blocked) is what was saved."""
    by_id = {str(row.pk): row for row in saved}
    for form in formset.forms:
        form.saved = by_id.get(str(form["id"].value() or ""))


@login_required
@require_http_methods(["GET", "POST"])
def action_plan(request, pk):
    return _plan_page(request, pk, ACTION_PLAN)


@login_required
@require_http_methods(["GET", "POST"])
def communication_plan(request, pk):
    return _plan_page(request, pk, COMMUNICATION_PLAN)


def action_plan_rows(partnership):
    """The action plan as a spreadsheet: a header, then one row per action in order, in
    the user's language."""
    actions = ACTION_PLAN.saved_rows(partnership)
    yield [
        _("Number"),
        _("Activity or action"),
        _("Responsible person"),
        _("Partner"),
        _("Goals"),
        _("Start date"),
        _("Deadline"),
        _("Status"),
        _("Why it is blocked"),
        _("Depends on"),
        _("Overdue"),
    ]
    for action in actions:
        if action.ongoing:
            deadline = _("ongoing")
        else:
            deadline = action.deadline.isoformat() if action.deadline else ""
        yield [
            action.number,
            action.activity,
            action.responsible,
            action.responsible_member.partner_name if action.responsible_member else "",
            action.goals,
            action.starts_on.isoformat() if action.starts_on else "",
            deadline,
            action.get_status_display(),
            action.blocked_reason if action.is_blocked else "",
            action.depends_on_number or "",
            _("yes") if action.overdue else _("no"),
        ]


def _export_name(partnership, extension):
    return f"action-plan-{partnership.pk}.{extension}"


@login_required
@require_safe
def action_plan_csv(request, pk):
    partnership = get_partnership_for_user(request.user, pk)
    # Made now, in the request's language: the response streams after the view returns.
    rows = list(action_plan_rows(partnership))
    return csv_response(rows, filename=_export_name(partnership, "csv"))


@login_required
@require_safe
def action_plan_xlsx(request, pk):
    partnership = get_partnership_for_user(request.user, pk)
    return xlsx_response(
        action_plan_rows(partnership),
        filename=_export_name(partnership, "xlsx"),
        sheet_title=_("Action plan"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request, pk):
    """The secret address of the partnership's calendar feed; POST replaces it."""
    partnership = get_partnership_for_user(request.user, pk, write=request.method == "POST")
    if request.method == "POST":
        calendar_reset(partnership=partnership, actor=request.user)
        messages.success(request, _("The calendar link is replaced. The old link no longer works."))
        return redirect("actionplans:calendar", pk=partnership.pk)
    feed_url = request.build_absolute_uri(
        reverse("actionplans:calendar_feed", kwargs={"key": partnership.calendar_key})
    )
    return render(
        request,
        "actionplans/calendar.html",
        {"partnership": partnership, "feed_url": feed_url},
    )


@require_safe
def calendar_feed(request, key):
    """The feed, for calendar apps: no sign-in, the key in the address is the secret."""
    partnership = Partnership.objects.with_municipality().filter(calendar_key=key).first()
    # The lookup found it by the unique index; the comparison guards against a database
    # collation that would match another spelling of the key.
    if partnership is None or not constant_time_compare(partnership.calendar_key, key):
        raise Http404
    response = HttpResponse(
        partnership_calendar(partnership).to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="partnership-{partnership.pk}.ics"'
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
