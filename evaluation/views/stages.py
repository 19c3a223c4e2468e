"""The evaluation stages of a partnership: the list by date, a stage's page (new or
saved), removing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from roadmap_portal.lib.locking import Conflict

from .. import services
from ..access import get_partnership_for_evaluation, get_stage
from ..forms_stages import StageForm, responsible_choices
from ..models import MAX_STAGES, CooperationSubject, EvaluationStage
from ..services import EvaluationError, stage_create, stage_save

SUBJECT_LABELS = dict(CooperationSubject.choices)


def _list_url(partnership):
    return reverse("evaluation:stages", kwargs={"pk": partnership.pk})


def subject_labels(stage) -> list[str]:
    return [str(SUBJECT_LABELS[s]) for s in stage.subjects if s in SUBJECT_LABELS]


@login_required
@require_safe
def stage_list(request, pk):
    """The stages by date, each with whether it is due or overdue (the municipality's
    today), and the button that adds one."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    stages = list(
        partnership.evaluation_stages.select_related(
            "responsible_user",
            "responsible_member__organization",
            "responsible_member__municipality",
        ).order_by("ends_on", "id")
    )
    today = partnership.local_today()
    for stage in stages:
        stage.overdue = stage.is_overdue(today)
        stage.due = not stage.overdue and stage.is_due(today)
        stage.subject_labels = subject_labels(stage)
    return render(
        request,
        "evaluation/stage_list.html",
        {
            "partnership": partnership,
            "stages": stages,
            "today": today,
            "may_add": len(stages) < MAX_STAGES,
            "max_stages": MAX_STAGES,
        },
    )


def _stage_form(request, partnership, *, stage=None):
    people, members = responsible_choices(
        partnership, keep_user=stage.responsible_user if stage else None
    )
    kwargs = {"people": people, "members": members, "editing": stage is not None}
    if request.method == "POST":
        return StageForm(request.POST, **kwargs)
    initial = StageForm.initial_of(stage) if stage else None
    return StageForm(initial=initial, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def stage_new(request, pk):
    partnership = get_partnership_for_evaluation(request.user, pk)
    form = _stage_form(request, partnership)
    if request.method == "POST" and form.is_valid():
        try:
            stage_create(partnership=partnership, values=form.values(), actor=request.user)
        except EvaluationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The evaluation stage is added."))
            return redirect(_list_url(partnership))
    return render(
        request,
        "evaluation/stage_form.html",
        {"partnership": partnership, "form": form, "stage": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def stage_edit(request, pk, stage):
    partnership = get_partnership_for_evaluation(request.user, pk)
    stage = get_stage(partnership, stage)
    stage.partnership = partnership
    form = _stage_form(request, partnership, stage=stage)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            stage_save(
                stage=stage,
                values=form.values(),
                version=form.cleaned_data["version"],
                actor=request.user,
            )
        except Conflict as error:
            conflict = error.current
        except EvaluationStage.DoesNotExist:
            raise Http404 from None
        else:
            messages.success(request, _("The evaluation stage is saved."))
            return redirect(_list_url(partnership))
    version = conflict.version if conflict else form["version"].value()
    return render(
        request,
        "evaluation/stage_form.html",
        {
            "partnership": partnership,
            "form": form,
            "stage": stage,
            "conflict": conflict,
            "conflict_subjects": subject_labels(conflict) if conflict else [],
            "version": version,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def stage_delete(request, pk, stage):
    """A confirmation page; its button removes the stage (its evidence stays)."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    stage = get_stage(partnership, stage)
    stage.partnership = partnership
    if request.method == "POST":
        services.stage_delete(stage=stage, actor=request.user)
        messages.success(
            request, _("The evaluation stage “%(name)s” is removed.") % {"name": stage.name}
        )
        return redirect(_list_url(partnership))
    return render(
        request,
        "evaluation/stage_delete.html",
        {"partnership": partnership, "stage": stage, "evidence_count": stage.evidence.count()},
    )
