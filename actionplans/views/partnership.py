"""The partnership itself: the list, starting one, its task list, details and partners."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from roadmap_portal.lib.forms import forms_with_errors
from roadmap_portal.lib.formsets import unbound_copy
from roadmap_portal.lib.http import PermissionDeniedWithReason
from roadmap_portal.lib.locking import Conflict, VersionForm
from roadmap_portal.lib.pagination import paginate
from roadmap_portal.lib.panels import collect

from ..access import (
    get_partnership_for_user,
    get_roadmap_for_start,
    may_start_partnership,
    member_partnerships,
    municipalities_for_start,
)
from ..forms import (
    DetailsForm,
    LeadContactForm,
    MemberFormSet,
    StartPartnershipForm,
    details_initial,
    member_initial,
    organization_choices,
    organization_label,
)
from ..models import Member, PartnershipRevision
from ..services import (
    partnership_details_save,
    partnership_members_save,
    partnership_start,
    roadmap_carry_over,
    signing_problems,
)
from .returns import after_save

# A datalist is sent whole with the page: the first entries by name, and the field matches
# any published entry by exact name or registration number beyond them.
SUGGESTIONS = 500


@login_required
@require_safe
def partnership_list(request):
    """The partnerships the user works on."""
    return render(
        request,
        "actionplans/partnership_list.html",
        {
            "partnerships": paginate(
                request,
                member_partnerships(request.user)
                .with_municipality()
                .order_by("-updated_at", "-id"),
            ),
            "may_start": may_start_partnership(request.user),
        },
    )


# The statuses of the task list (PATTERNS.md): "Completed" is plain, the rest stand out.
COMPLETED = "completed", gettext_lazy("Completed")
INCOMPLETE = "incomplete", gettext_lazy("Incomplete")
NOT_STARTED = "not_started", gettext_lazy("Not yet started")
IN_PROGRESS = "in_progress", gettext_lazy("In progress")
CANNOT_START = "cannot_start", gettext_lazy("Cannot start yet")


@dataclass(frozen=True)
class Task:
    slug: str
    name: str
    url: str | None
    status: tuple
    hint: str = ""

    @property
    def status_code(self):
        return self.status[0]

    @property
    def status_label(self):
        return self.status[1]


DETAIL_STEPS = ("strategy", "roles_and_responsibilities", "procedures", "monitoring")


def _details_status(partnership):
    steps = [getattr(partnership, name).strip() for name in DETAIL_STEPS]
    if partnership.shared_result.strip() and all(steps) and partnership.starts_on:
        return COMPLETED
    if any(steps) or partnership.starts_on or partnership.cooperation_forms:
        return INCOMPLETE
    return NOT_STARTED


def tasks_of(partnership, *, counts, problems, latest_revision):
    """The task list's five tasks with their status, from counts read once."""

    def url(name):
        return reverse(f"actionplans:{name}", kwargs={"pk": partnership.pk})

    if counts["signatories"]:
        partners = COMPLETED
    elif counts["partners"]:
        partners = INCOMPLETE
    else:
        partners = NOT_STARTED
    if problems:
        check = CANNOT_START
    elif latest_revision is None or latest_revision.status == PartnershipRevision.Status.SUPERSEDED:
        check = NOT_STARTED
    elif latest_revision.is_signed:
        check = COMPLETED
    else:
        check = IN_PROGRESS
    return [
        Task("details", _("Fill in the details"), url("details"), _details_status(partnership)),
        Task(
            "partners",
            _("Add the partners"),
            url("partners"),
            partners,
            _("At least one organization signs for its side."),
        ),
        Task(
            "actions",
            _("Make the action plan"),
            url("actions"),
            COMPLETED if counts["actions"] else NOT_STARTED,
        ),
        Task(
            "communications",
            _("Make the communication plan"),
            url("communications"),
            COMPLETED if counts["communications"] else NOT_STARTED,
        ),
        Task(
            "check",
            _("Check and sign"),
            None if problems else url("check"),
            check,
            " ".join(problems),
        ),
    ]


@login_required
@require_safe
def partnership_detail(request, pk):
    """The task list: details, partners, action plan, communication plan, check and sign."""
    partnership = get_partnership_for_user(request.user, pk)
    counts = partnership.members.aggregate(
        partners=Count("pk", filter=~Q(role=Member.Role.LEAD_MUNICIPALITY)),
        signatories=Count("pk", filter=Q(role=Member.Role.SIGNATORY)),
    )
    counts["actions"] = partnership.actions.count()
    counts["communications"] = partnership.communications.count()
    revisions = list(partnership.revisions.defer("content").order_by("-number")[:10])
    latest = revisions[0] if revisions else None
    latest_signed = next((r for r in revisions if r.is_signed), None)
    if latest_signed is None and latest is not None:
        latest_signed = (
            partnership.revisions.defer("content")
            .filter(status=PartnershipRevision.Status.SIGNED)
            .order_by("-number")
            .first()
        )
    problems = signing_problems(partnership)
    return render(
        request,
        "actionplans/partnership_detail.html",
        {
            "partnership": partnership,
            "tasks": tasks_of(
                partnership, counts=counts, problems=problems, latest_revision=latest
            ),
            "latest_signed": latest_signed,
            "latest_revision": latest,
            # A revision's number, not its content (a whole plan) for each event.
            "events": partnership.events.select_related("actor", "revision").defer(
                "revision__content"
            )[:10],
            # The apps above this one (the evaluation) show their part here.
            "panels": [
                panel.render(request)
                for panel in collect(request, settings.PARTNERSHIP_PANELS, partnership)
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_new(request):
    """Staff start a partnership from scratch, for a municipality they work for."""
    municipalities = municipalities_for_start(request.user)
    if not municipalities.exists():
        raise PermissionDeniedWithReason(
            _("Partnerships are started by the staff of a municipality.")
        )
    form = StartPartnershipForm(
        request.POST if request.method == "POST" else None, municipalities=municipalities
    )
    if request.method == "POST" and form.is_valid():
        partnership = partnership_start(
            municipality=form.cleaned_data["municipality"],
            title=form.cleaned_data["title"].strip(),
            shared_result=form.cleaned_data["shared_result"].strip(),
            actor=request.user,
        )
        messages.success(request, _("The partnership is started. Fill in its tasks below."))
        return redirect(partnership)
    return render(request, "actionplans/partnership_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def partnership_from_roadmap(request, pk):
    """What a completed roadmap carries over, and the button that starts the partnership."""
    roadmap = get_roadmap_for_start(request.user, pk)
    if request.method == "POST":
        partnership = partnership_start(
            municipality=roadmap.start_municipality,
            title=roadmap.title,
            shared_result="",
            actor=request.user,
            roadmap=roadmap,
        )
        messages.success(
            request, _("The partnership is started from the roadmap. Fill in its tasks below.")
        )
        return redirect(partnership)
    return render(
        request,
        "actionplans/partnership_from_roadmap.html",
        {
            "roadmap": roadmap,
            "carried": roadmap_carry_over(roadmap),
            # Started before: shown, so that a second one is started on purpose.
            "started": member_partnerships(request.user).filter(roadmap=roadmap),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def details(request, pk):
    """Every detail of the partnership on one page, saved as a whole (its own version)."""
    partnership = get_partnership_for_user(request.user, pk, write=request.method == "POST")
    conflict = None
    if request.method == "POST":
        form = DetailsForm(request.POST)
        if form.is_valid():
            try:
                partnership_details_save(
                    partnership=partnership,
                    values=form.values(),
                    version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except Conflict as error:
                conflict = error.current
            else:
                messages.success(request, _("The details are saved."))
                return after_save(request, partnership, redirect(partnership))
    else:
        form = DetailsForm(initial=details_initial(partnership))
    return render(
        request,
        "actionplans/details.html",
        {
            "partnership": partnership,
            "form": form,
            "conflict": conflict,
            "conflict_target_groups": list(conflict.target_groups.all()) if conflict else [],
            "version": conflict.version if conflict else form["version"].value(),
        },
    )


def _members(partnership):
    return list(
        partnership.members.select_related("organization", "municipality").order_by(
            "position", "id"
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def partners(request, pk):
    """The partners as one list of rows that buttons add, remove and move (no JavaScript
    needed); the lead municipality's row stays, only its contact changes."""
    partnership = get_partnership_for_user(request.user, pk, write=request.method == "POST")
    organizations = organization_choices(partnership)
    kwargs = {"prefix": "members", "form_kwargs": {"organizations": organizations}}
    members = _members(partnership)
    lead = next((m for m in members if m.role == Member.Role.LEAD_MUNICIPALITY), None)
    conflict = None
    changed = MemberFormSet.with_row_action(request.POST, **kwargs)
    if changed is not None:  # a row's button: the page again, nothing saved
        formset = changed
        lead_form = unbound_copy(LeadContactForm, request.POST, prefix="lead")
        version = unbound_copy(VersionForm, request.POST)
    elif request.method == "POST":
        formset = MemberFormSet(request.POST, **kwargs)
        lead_form = LeadContactForm(request.POST, prefix="lead")
        version = VersionForm(request.POST)
        if all([formset.is_valid(), lead_form.is_valid(), version.is_valid()]):
            lead_row = {"role": Member.Role.LEAD_MUNICIPALITY, **lead_form.cleaned_data}
            try:
                partnership_members_save(
                    partnership=partnership,
                    rows=[lead_row, *formset.member_rows()],
                    version=version.cleaned_data["version"],
                    actor=request.user,
                )
            except Conflict as error:
                conflict = error.current
            else:
                messages.success(request, _("The partners are saved."))
                if not member_partnerships(request.user).filter(pk=partnership.pk).exists():
                    # A representative who took their own organization off the partners.
                    return redirect("actionplans:list")
                return after_save(request, partnership, redirect(partnership))
    else:
        formset = MemberFormSet(initial=[member_initial(m) for m in members if m != lead], **kwargs)
        lead_form = LeadContactForm(
            prefix="lead",
            initial={
                "contact_name": lead.contact_name if lead else "",
                "contact_email": lead.contact_email if lead else "",
                "contact_phone": lead.contact_phone if lead else "",
            },
        )
        version = VersionForm(initial={"version": partnership.members_version})
    errors = forms_with_errors(version, lead_form, formset)
    return render(
        request,
        "actionplans/partners.html",
        {
            "partnership": partnership,
            "lead": lead,
            "lead_form": lead_form,
            "formset": formset,
            "version": VersionForm(initial={"version": conflict.members_version})
            if conflict
            else version,
            "conflict": conflict,
            "conflict_members": _members(conflict) if conflict else [],
            "errors": errors,
            "page_has_errors": bool(errors),
            # The datalist of the partner field: the entries working in the municipality.
            "suggestions": [
                organization_label(o)
                for o in organizations.filter(
                    Q(home_municipality=partnership.municipality_id)
                    | Q(municipalities_served=partnership.municipality_id)
                )
                .distinct()
                .order_by("name")[:SUGGESTIONS]
            ],
        },
    )
