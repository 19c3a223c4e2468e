"""KPIs and their measurements: the list, a KPI's page, its definition (new, edit, delete),
and a measurement's life (entered, changed or withdrawn by its party, decided by another).

Every value, progress and state shown comes from evaluation.progress: these views never
compute one.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from roadmap_portal.lib.forms import forms_with_errors
from roadmap_portal.lib.http import PermissionDeniedWithReason
from roadmap_portal.lib.locking import Conflict

from .. import services
from ..access import (
    check_may_change,
    check_may_review,
    get_kpi,
    get_measurement,
    get_partnership_for_evaluation,
    review_parties,
)
from ..forms_kpis import (
    KpiForm,
    MeasurementForm,
    ReviewForm,
    kpi_initial,
    measurement_initial,
)
from ..models import MAX_KPIS, Measurement
from ..progress import kpi_progress, progress_of_kpis
from ..services import EvaluationError


def _actions(partnership):
    """The partnership's action rows in their order, each with its number."""
    actions = list(partnership.actions.order_by("position", "id"))
    for number, action in enumerate(actions, start=1):
        action.number = number
    return actions


def _may_change(partnership, measurement):
    try:
        check_may_change(partnership, measurement, None)
    except PermissionDenied:
        return False
    return True


def _kpi_redirect(kpi):
    return redirect("evaluation:kpi", pk=kpi.partnership_id, kpi=kpi.pk)


@login_required
@require_safe
def kpi_list(request, pk):
    """The partnership's KPIs with their value, target, progress and state."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    kpis = list(partnership.kpis.order_by("position", "id"))
    for kpi in kpis:
        kpi.partnership = partnership
    today = partnership.local_today()
    return render(
        request,
        "evaluation/kpi_list.html",
        {
            "partnership": partnership,
            "progress": progress_of_kpis(kpis, today_of=lambda _kpi: today),
            "may_add": len(kpis) < MAX_KPIS,
            "max_kpis": MAX_KPIS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def kpi_new(request, pk):
    partnership = get_partnership_for_evaluation(request.user, pk)
    actions = _actions(partnership)
    form = KpiForm(request.POST if request.method == "POST" else None, actions=actions)
    if request.method == "POST" and form.is_valid():
        try:
            kpi = services.kpi_create(
                partnership=partnership, values=form.values(), actor=request.user
            )
        except EvaluationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The KPI is added. Enter its measurements below."))
            return _kpi_redirect(kpi)
    return render(
        request,
        "evaluation/kpi_form.html",
        {"partnership": partnership, "form": form, "kpi": None, "version": None},
    )


@login_required
@require_safe
def kpi_detail(request, pk, kpi):
    """A KPI's definition, its value, progress and state, and every measurement with what
    this user may do with it."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    kpi = get_kpi(partnership, kpi)
    measurements = list(
        kpi.measurements.select_related(
            "entered_for", "entered_by", "reviewed_for", "reviewed_by"
        ).order_by("measured_on", "id")
    )
    for measurement in measurements:
        measurement.kpi = kpi
        measurement.may_review = measurement.is_pending and bool(
            review_parties(partnership, measurement, request.user)
        )
        measurement.may_change = _may_change(partnership, measurement)
    linked = {action.pk for action in kpi.actions.all()}
    return render(
        request,
        "evaluation/kpi_detail.html",
        {
            "partnership": partnership,
            "kpi": kpi,
            "progress": kpi_progress(kpi, measurements, today=partnership.local_today()),
            "measurements": measurements,
            "actions": [action for action in _actions(partnership) if action.pk in linked],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def kpi_edit(request, pk, kpi):
    """The KPI's definition, saved at the version the editor loaded; a second editor sees
    what the first saved, their own text kept."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    kpi = get_kpi(partnership, kpi)
    actions = _actions(partnership)
    conflict = None
    if request.method == "POST":
        form = KpiForm(request.POST, actions=actions, versioned=True)
        if form.is_valid():
            try:
                services.kpi_save(
                    kpi=kpi,
                    values=form.values(),
                    version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except Conflict as error:
                conflict = error.current
            except EvaluationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The KPI is saved."))
                return _kpi_redirect(kpi)
    else:
        form = KpiForm(initial=kpi_initial(kpi), actions=actions, versioned=True)
    conflict_actions = []
    if conflict is not None:
        linked = set(conflict.actions.values_list("pk", flat=True))
        conflict_actions = [action for action in actions if action.pk in linked]
    return render(
        request,
        "evaluation/kpi_form.html",
        {
            "partnership": partnership,
            "form": form,
            "kpi": kpi,
            "conflict": conflict,
            "conflict_actions": conflict_actions,
            "measured": kpi.measurements.filter(status=Measurement.Status.APPROVED).exists(),
            # Saving again is a choice made having seen their values: from their version.
            "version": conflict.version if conflict else form["version"].value(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def kpi_delete(request, pk, kpi):
    """GET asks to confirm; POST removes the KPI, or says why it may not."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    kpi = get_kpi(partnership, kpi)
    if request.method == "POST":
        try:
            services.kpi_delete(kpi=kpi, actor=request.user)
        except EvaluationError as error:
            messages.error(request, str(error))
            return _kpi_redirect(kpi)
        messages.success(request, _("The KPI “%(name)s” is removed.") % {"name": kpi.name})
        return redirect("evaluation:kpis", pk=partnership.pk)
    counts = dict.fromkeys(Measurement.Status.values, 0)
    for status in kpi.measurements.values_list("status", flat=True):
        counts[status] += 1
    return render(
        request,
        "evaluation/kpi_delete.html",
        {
            "partnership": partnership,
            "kpi": kpi,
            "approved": counts[Measurement.Status.APPROVED],
            "others": counts[Measurement.Status.PENDING] + counts[Measurement.Status.REJECTED],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def measurement_new(request, pk, kpi):
    """A new measurement, entered for the user's party (asked when they act for several),
    waiting for another party's approval."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    kpi = get_kpi(partnership, kpi)
    if not partnership.parties:
        raise PermissionDeniedWithReason(
            _("Measurements are entered by the municipality's staff and the partners.")
        )
    form = MeasurementForm(
        request.POST if request.method == "POST" else None,
        kpi=kpi,
        today=partnership.local_today(),
        parties=partnership.parties,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_enter(
                kpi=kpi, party=form.chosen_party(), actor=request.user, **form.values()
            )
        except EvaluationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The measurement is entered. It counts once another partner approves it."),
            )
            return _kpi_redirect(kpi)
    return render(
        request,
        "evaluation/measurement_form.html",
        {"partnership": partnership, "kpi": kpi, "form": form, "measurement": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def measurement_edit(request, pk, measurement):
    """A measurement waiting for approval, changed by a member of its party."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    measurement = get_measurement(partnership, measurement)
    check_may_change(partnership, measurement, request.user)
    kpi = measurement.kpi
    kwargs = {"kpi": kpi, "today": partnership.local_today(), "versioned": True}
    conflict = None
    if request.method == "POST":
        form = MeasurementForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.measurement_change(
                    measurement=measurement,
                    version=form.cleaned_data["version"],
                    values=form.values(),
                    actor=request.user,
                )
            except Conflict as error:
                conflict = error.current
            except EvaluationError as error:
                messages.error(request, str(error))
                return _kpi_redirect(kpi)
            else:
                messages.success(request, _("The measurement is saved."))
                return _kpi_redirect(kpi)
    else:
        form = MeasurementForm(initial=measurement_initial(measurement), **kwargs)
    return render(
        request,
        "evaluation/measurement_form.html",
        {
            "partnership": partnership,
            "kpi": kpi,
            "form": form,
            "measurement": measurement,
            "conflict": conflict,
            "version": conflict.version if conflict else form["version"].value(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def measurement_withdraw(request, pk, measurement):
    """GET asks to confirm; POST withdraws a measurement waiting for approval."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    measurement = get_measurement(partnership, measurement)
    check_may_change(partnership, measurement, request.user)
    kpi = measurement.kpi
    if request.method == "POST":
        try:
            services.measurement_withdraw(measurement=measurement, actor=request.user)
        except EvaluationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The measurement is withdrawn."))
        return _kpi_redirect(kpi)
    return render(
        request,
        "evaluation/measurement_withdraw.html",
        {"partnership": partnership, "kpi": kpi, "measurement": measurement},
    )


@login_required
@require_http_methods(["GET", "POST"])
def measurement_review(request, pk, measurement):
    """Approve or reject a measurement another party entered (403 saying why for a member
    of its own party, or for the one who entered it)."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    measurement = get_measurement(partnership, measurement)
    party = check_may_review(partnership, measurement, request.user)
    kpi = measurement.kpi
    if not measurement.is_pending:
        messages.info(request, _("This measurement is decided already."))
        return _kpi_redirect(kpi)
    changed = False
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                services.measurement_review(
                    measurement=measurement,
                    version=form.cleaned_data["version"],
                    approve=form.approve,
                    party=party,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except Conflict as error:
                if not error.current.is_pending:
                    messages.error(
                        request, _("This measurement was decided already, by someone else.")
                    )
                    return _kpi_redirect(kpi)
                # Changed by its party meanwhile: decided again, having seen it as it is now.
                changed, measurement = True, error.current
                measurement.kpi = kpi
                form = ReviewForm(
                    initial={
                        "version": measurement.version,
                        "decision": form.cleaned_data["decision"],
                        "note": form.cleaned_data["note"],
                    }
                )
            except EvaluationError as error:
                messages.error(request, str(error))
                return _kpi_redirect(kpi)
            else:
                if form.approve:
                    messages.success(request, _("The measurement is approved: it counts now."))
                else:
                    messages.success(request, _("The measurement is rejected."))
                return _kpi_redirect(kpi)
    else:
        form = ReviewForm(initial={"version": measurement.version})
    errors = forms_with_errors(form)
    return render(
        request,
        "evaluation/measurement_review.html",
        {
            "partnership": partnership,
            "kpi": kpi,
            "measurement": measurement,
            "form": form,
            "changed": changed,
            "page_has_errors": bool(errors),
        },
    )
