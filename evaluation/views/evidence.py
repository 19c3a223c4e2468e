"""Qualitative evidence of a partnership: the list, a piece's page (new or saved) with its
file, removing one, and the file itself, served only to members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from roadmap_portal.lib.locking import Conflict

from .. import services
from ..access import get_evidence, get_evidence_file, get_partnership_for_evaluation
from ..forms_evidence import EvidenceForm
from ..models import MAX_EVIDENCE, Evidence, EvidenceFile
from ..services import EvaluationError, evidence_create, evidence_save


def _list_url(partnership):
    return reverse("evaluation:evidence_list", kwargs={"pk": partnership.pk})


def _file_of(evidence):
    """The evidence's file (without its content, as loaded), or None."""
    return getattr(evidence, "file", None)


def _stages(partnership):
    return list(partnership.evaluation_stages.only("pk", "name").order_by("ends_on", "id"))


@login_required
@require_safe
def evidence_list(request, pk):
    """Every piece of evidence, newest first, with its stage and its file's name and size
    (never the file's bytes)."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    evidence = list(
        partnership.evidence.select_related("stage", "file")
        .defer("file__content")
        .order_by("-gathered_on", "-id")
    )
    for piece in evidence:
        piece.attached = _file_of(piece)
    return render(
        request,
        "evaluation/evidence_list.html",
        {
            "partnership": partnership,
            "evidence": evidence,
            "may_add": len(evidence) < MAX_EVIDENCE,
            "max_evidence": MAX_EVIDENCE,
        },
    )


def _form(request, partnership, *, evidence=None, current_file=None):
    kwargs = {
        "stages": _stages(partnership),
        "current_file": current_file,
        "editing": evidence is not None,
    }
    if request.method == "POST":
        return EvidenceForm(request.POST, request.FILES, **kwargs)
    return EvidenceForm(initial=EvidenceForm.initial_of(evidence) if evidence else None, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_new(request, pk):
    partnership = get_partnership_for_evaluation(request.user, pk)
    form = _form(request, partnership)
    if request.method == "POST" and form.is_valid():
        try:
            evidence_create(
                partnership=partnership,
                values=form.values(),
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except EvaluationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The evidence is added."))
            return redirect(_list_url(partnership))
    return render(
        request,
        "evaluation/evidence_form.html",
        {"partnership": partnership, "form": form, "evidence": None},
    )


def _current_file(evidence):
    return EvidenceFile.objects.filter(evidence=evidence).defer("content").first()


@login_required
@require_http_methods(["GET", "POST"])
def evidence_edit(request, pk, evidence):
    partnership = get_partnership_for_evaluation(request.user, pk)
    evidence = get_evidence(partnership, evidence)
    evidence.partnership = partnership
    current_file = _current_file(evidence)
    form = _form(request, partnership, evidence=evidence, current_file=current_file)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            evidence_save(
                evidence=evidence,
                values=form.values(),
                version=form.cleaned_data["version"],
                file_action=form.what_to_do_with_the_file,
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except Conflict as error:
            conflict = error.current
        except Evidence.DoesNotExist:
            raise Http404 from None
        else:
            messages.success(request, _("The evidence is saved."))
            return redirect(_list_url(partnership))
    return render(
        request,
        "evaluation/evidence_form.html",
        {
            "partnership": partnership,
            "form": form,
            "evidence": evidence,
            "current_file": current_file,
            "conflict": conflict,
            "conflict_file": _current_file(conflict) if conflict else None,
            "uploaded_lost": conflict is not None and form.cleaned_data.get("file") is not None,
            "version": conflict.version if conflict else form["version"].value(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_delete(request, pk, evidence):
    """A confirmation page; its button removes the evidence and its file."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    evidence = get_evidence(partnership, evidence)
    evidence.partnership = partnership
    if request.method == "POST":
        services.evidence_delete(evidence=evidence, actor=request.user)
        messages.success(
            request, _("The evidence “%(title)s” is removed.") % {"title": evidence.title}
        )
        return redirect(_list_url(partnership))
    return render(
        request,
        "evaluation/evidence_delete.html",
        {"partnership": partnership, "evidence": evidence, "current_file": _current_file(evidence)},
    )


@login_required
@require_safe
def evidence_file(request, pk, evidence):
    """The file, to the partnership's members only, as a download of the type its bytes
    said when it was uploaded: never shown in the portal's own origin as a page."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    found = get_evidence_file(partnership, evidence)
    response = HttpResponse(bytes(found.content), content_type=found.content_type)
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=found.name
    )
    response.headers["Content-Length"] = str(len(response.content))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
