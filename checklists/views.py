from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from orgs.models import Municipality
from orgs.sides import Side
from roadmap_portal.lib.http import base_url
from roadmap_portal.lib.locking import Conflict
from roadmap_portal.lib.pagination import paginate
from roadmap_portal.lib.pdf import pdf_response, render_pdf

from .access import (
    get_roadmap_for_answers,
    get_roadmap_for_sharing,
    get_roadmap_for_user,
    get_roadmap_owners_for_start,
    may_start_roadmap,
    own_roadmaps,
    shared_roadmaps,
    unpublished_organizations_of,
)
from .forms import (
    AnswerForm,
    AutosaveForm,
    ShareForm,
    StartRoadmapForm,
    UpgradeForm,
    answer_initial,
)
from .models import (
    FORM_NAMES,
    Checkpoint,
    RoadmapPdf,
    TemplateVersion,
    upgrade_plan,
    with_need_items,
)
from .pdf import RoadmapPrint, pdf_filename
from .services import (
    CheckpointRemoved,
    NotReady,
    UpgradeRefused,
    answer_save,
    roadmap_complete,
    roadmap_pdf_request,
    roadmap_reopen,
    roadmap_share,
    roadmap_start,
    roadmap_unshare,
    roadmap_upgrade,
)

CHECKPOINT_REMOVED = gettext_lazy(
    "Not saved: this checkpoint left the roadmap when it moved to a newer version. Copy "
    "your text before you leave this page; the roadmap's history keeps the earlier answer."
)


@login_required
@require_safe
def roadmap_list(request):
    return render(
        request,
        "checklists/roadmap_list.html",
        {
            "mine": paginate(
                request,
                own_roadmaps(request.user).with_owner().order_by("-updated_at", "-id"),
                param="mine",
            ),
            "shared": paginate(
                request,
                shared_roadmaps(request.user).with_owner().order_by("-updated_at", "-id"),
                param="shared",
            ),
            "may_start": may_start_roadmap(request.user),
            "unpublished": unpublished_organizations_of(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_new(request):
    form = StartRoadmapForm(request.POST or None, owners=get_roadmap_owners_for_start(request.user))
    if request.method == "POST" and form.is_valid():
        side, owner = form.form_and_owner()
        roadmap = roadmap_start(
            form=side, owner=owner, title=form.cleaned_data["title"], actor=request.user
        )
        return redirect(roadmap)
    return render(request, "checklists/roadmap_new.html", {"form": form})


@login_required
@require_safe
def roadmap_detail(request, pk):
    """The task list: three steps, their checkpoints, a status each."""
    roadmap = get_roadmap_for_user(request.user, pk)
    steps = roadmap.answers_by_step()
    may_upgrade = roadmap.may_edit and not roadmap.is_completed
    return render(
        request,
        "checklists/roadmap_detail.html",
        {
            "roadmap": roadmap,
            "steps": steps,
            "pdf_in_background": RoadmapPrint(roadmap, steps=steps).in_background,
            "can_edit": roadmap.may_edit,
            "newer_version": roadmap.newer_version() if may_upgrade else None,
            "shares": roadmap.shares.select_related("municipality"),
            "events": roadmap.events.select_related("actor", "municipality", "template_version")[
                :10
            ],
            "removed_answers": _removed_answers(roadmap),
        },
    )


def _removed_answers(roadmap):
    """Its answers to checkpoints a newer version removed, their needs named (a query for
    the names only when there are some)."""
    removed = list(roadmap.removed_answers.select_related("checkpoint", "event__template_version"))
    return with_need_items(removed) if removed else removed


@login_required
@require_http_methods(["GET", "POST"])
def upgrade(request, pk):
    """Move the roadmap to the newest template version: what changes (GET), then do it."""
    roadmap = get_roadmap_for_answers(request.user, pk, write=True)
    to_version = roadmap.newer_version()
    problems = []
    if request.method == "POST":
        form = UpgradeForm(request.POST)
        if form.is_valid():
            try:
                roadmap_upgrade(
                    roadmap=roadmap,
                    actor=request.user,
                    to_version=form.cleaned_data["to_version"],
                    lock_version=form.cleaned_data["lock_version"],
                )
            except Conflict:
                problems.append(
                    _(
                        "Someone changed the version of this roadmap since you opened this"
                        " page. Nothing was changed: check what moving it does now."
                    )
                )
                roadmap = get_roadmap_for_answers(request.user, pk, write=True)
                to_version = roadmap.newer_version()
            except UpgradeRefused as error:
                problems.append(str(error))
            else:
                messages.success(
                    request,
                    _("The roadmap is on version %(number)s now.")
                    % {"number": form.cleaned_data["to_version"].number},
                )
                return redirect(roadmap)
        else:
            problems = [error for errors in form.errors.values() for error in errors]
    if to_version is None:
        if problems:
            messages.error(request, problems[0])
        else:
            messages.info(request, _("The roadmap is on the newest version already."))
        return redirect(roadmap)
    return render(
        request,
        "checklists/upgrade.html",
        {
            "roadmap": roadmap,
            "plan": upgrade_plan(roadmap, to_version),
            "problems": problems,
            "page_has_errors": bool(problems),
        },
    )


def _answer(roadmap, code):
    answer = (
        roadmap.answers.select_related("checkpoint__step", "department__municipality")
        .filter(checkpoint__code=code)
        .first()
    )
    if answer is None:
        raise Http404
    return answer


def _next_answer(roadmap, answer):
    following = roadmap.answers.filter(
        checkpoint__step__number__gte=answer.checkpoint.step.number
    ).order_by("checkpoint__step__number", "checkpoint__position")
    found = False
    for candidate in following.select_related("checkpoint"):
        if found:
            return candidate
        found = candidate.pk == answer.pk
    return None


@login_required
@require_http_methods(["GET", "POST"])
def checkpoint(request, pk, code):
    """One question page: the statement, the guidance, the answer and its status."""
    roadmap = get_roadmap_for_answers(request.user, pk, write=request.method == "POST")
    answer = _answer(roadmap, code)
    conflict = None
    form_kwargs = {
        "checkpoint": answer.checkpoint,
        "roadmap": roadmap,
        "answer": answer,
        "departments_url": request.path,
    }
    if (
        request.htmx
        and "municipality" in request.GET
        and answer.checkpoint.kind == Checkpoint.Kind.DEPARTMENT
        and roadmap.may_answer
    ):
        # The municipality was chosen: its departments (all of them, grouped, when the
        # choice was emptied), swapped into the page.
        municipality_id = request.GET["municipality"]
        form = AnswerForm(
            initial=answer_initial(answer),
            departments_of=int(municipality_id) if municipality_id.isdigit() else None,
            **form_kwargs,
        )
        return render(request, "checklists/includes/department_field.html", {"form": form})
    if request.method == "POST":
        form = AnswerForm(request.POST, later="save_and_leave" in request.POST, **form_kwargs)
        if form.is_valid():
            try:
                answer_save(
                    answer=answer,
                    values=form.values(),
                    actor=request.user,
                    version=form.cleaned_data["version"],
                )
            except Conflict as error:
                conflict = error.current
            except CheckpointRemoved:
                # The page stays as sent, so the text typed is not lost.
                form.add_error(None, CHECKPOINT_REMOVED)
            else:
                if "save_and_leave" in request.POST:
                    messages.success(request, _("Saved. You can come back to it at any time."))
                    return redirect(roadmap)
                following = _next_answer(roadmap, answer)
                if following is None:
                    return redirect("checklists:check", pk=roadmap.pk)
                return redirect(
                    "checklists:checkpoint", pk=roadmap.pk, code=following.checkpoint.code
                )
    else:
        form = AnswerForm(initial=answer_initial(answer), **form_kwargs)
    if not roadmap.may_answer:
        with_need_items([answer])
    return render(
        request,
        "checklists/checkpoint.html",
        {
            "roadmap": roadmap,
            "answer": answer,
            "checkpoint": answer.checkpoint,
            "form": form,
            "editable": roadmap.may_answer,
            "can_edit": roadmap.may_edit,
            "conflict": conflict,
            "conflict_version": conflict.version if conflict else None,
            "directory_url": _directory_url(roadmap),
        },
    )


def _directory_url(roadmap):
    municipality_id = roadmap.municipality_id or roadmap.organization.home_municipality_id
    return f"{reverse('orgs:directory')}?municipality={municipality_id}"


@require_POST
@login_required
def autosave(request, pk, code):
    """htmx: save the text while the user types. 409 with both texts on a conflict."""
    roadmap = get_roadmap_for_answers(request.user, pk, write=True)
    answer = _answer(roadmap, code)
    form = AutosaveForm(request.POST)
    if not form.is_valid():
        # The page shows why and keeps the text (static/js/autosave.js): nothing is saved.
        error = form.errors["text"][0] if "text" in form.errors else None
        return render(
            request,
            "checklists/_autosave_status.html",
            {"failed": True, "error": error},
            status=400,
        )
    try:
        saved = answer_save(
            answer=answer,
            values={"text": form.cleaned_data["text"]},
            actor=request.user,
            version=form.cleaned_data["version"],
            autosave=True,
        )
    except Conflict as error:
        return render(
            request,
            "checklists/_autosave_status.html",
            {"conflict": error.current},
            status=409,
        )
    except CheckpointRemoved:
        return render(request, "checklists/_autosave_status.html", {"failed": True}, status=409)
    return render(
        request,
        "checklists/_autosave_status.html",
        {"saved_at": saved.updated_at, "version": saved.version},
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_answers(request, pk):
    """Check your answers, then mark the roadmap as completed."""
    roadmap = get_roadmap_for_user(request.user, pk, write=request.method == "POST")
    open_answers = []
    if request.method == "POST":
        try:
            roadmap_complete(roadmap=roadmap, actor=request.user)
        except NotReady as error:
            open_answers = error.open_answers
        else:
            messages.success(request, _("The roadmap is marked as completed."))
            return redirect(roadmap)
    return render(
        request,
        "checklists/check_answers.html",
        {
            "roadmap": roadmap,
            "steps": roadmap.answers_by_step(),
            "can_edit": roadmap.may_edit,
            "open_answers": open_answers,
        },
    )


@require_POST
@login_required
def reopen(request, pk):
    roadmap = get_roadmap_for_user(request.user, pk, write=True)
    roadmap_reopen(roadmap=roadmap, actor=request.user)
    messages.success(request, _("The roadmap is open for changes again."))
    return redirect(roadmap)


@login_required
@require_http_methods(["GET", "POST"])
def share(request, pk):
    roadmap = get_roadmap_for_sharing(request.user, pk)
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        roadmap_share(
            roadmap=roadmap,
            municipality=form.cleaned_data["municipality"],
            actor=request.user,
            base_url=base_url(request),
        )
        messages.success(request, _("Shared. The municipality's coordinators can read it now."))
        return redirect(roadmap)
    return render(request, "checklists/share.html", {"roadmap": roadmap, "form": form})


@require_POST
@login_required
def unshare(request, pk, municipality_id):
    roadmap = get_roadmap_for_sharing(request.user, pk)
    municipality = get_object_or_404(Municipality, pk=municipality_id)
    roadmap_unshare(roadmap=roadmap, municipality=municipality, actor=request.user)
    messages.success(request, _("The municipality can no longer read this roadmap."))
    return redirect(roadmap)


@login_required
@require_safe
def answer_history(request, pk, code):
    roadmap = get_roadmap_for_user(request.user, pk)
    answer = _answer(roadmap, code)
    revisions = paginate(request, answer.revisions.select_related("editor"))
    return render(
        request,
        "checklists/answer_history.html",
        {"roadmap": roadmap, "answer": answer, "revisions": revisions},
    )


@login_required
@require_safe
def roadmap_pdf(request, pk):
    """The PDF: made now when the roadmap is short; a long one's from the task worker when
    it is ready and shows the roadmap as it is now, else the page that prepares it."""
    roadmap = get_roadmap_for_user(request.user, pk)
    document = RoadmapPrint(roadmap)
    if not document.in_background:
        return pdf_response(document.pdf(), filename=pdf_filename(roadmap))
    ready = (
        RoadmapPdf.objects.filter(
            roadmap=roadmap,
            language=document.language,
            status=RoadmapPdf.Status.READY,
            fingerprint=document.fingerprint,
        )
        .only("content")
        .first()
    )
    if ready is None:
        return redirect("checklists:pdf_status", pk=roadmap.pk)
    return pdf_response(bytes(ready.content), filename=pdf_filename(roadmap))


@login_required
@require_http_methods(["GET", "POST"])
def pdf_status(request, pk):
    """A long roadmap's PDF: asked for (POST), being prepared, ready or failed. htmx asks
    again every two seconds while it is prepared; without JavaScript, a link does."""
    roadmap = get_roadmap_for_user(request.user, pk)
    document = RoadmapPrint(roadmap)
    if not document.in_background:
        if request.htmx:  # shortened while the page polled: not a PDF swapped into the page
            return HttpResponseClientRedirect(reverse("checklists:pdf", kwargs={"pk": roadmap.pk}))
        return redirect("checklists:pdf", pk=roadmap.pk)
    if request.method == "POST":
        roadmap_pdf_request(roadmap=roadmap, actor=request.user, document=document)
        return redirect("checklists:pdf_status", pk=roadmap.pk)
    pdf = (
        RoadmapPdf.objects.filter(roadmap=roadmap, language=document.language)
        .defer("content")
        .first()
    )
    context = {
        "roadmap": roadmap,
        "pdf": pdf,
        "current": pdf is not None and pdf.is_current(document.fingerprint),
    }
    template = "checklists/pdf_status.html"
    if request.htmx:
        template = "checklists/includes/pdf_status_block.html"
    return render(request, template, context)


@require_safe
def blank_form_pdf(request, form):
    """The empty form, for workshops where people fill it on paper. Public."""
    if form not in Side.values:
        raise Http404
    version = TemplateVersion.objects.order_by("-number").first()
    if version is None:
        raise Http404
    steps = list(version.steps.all())
    for step in steps:
        step.form_checkpoints = step.checkpoints.filter(form=form).order_by("position")
    content = render_pdf(
        "checklists/blank_form_pdf.html",
        {"version": version, "steps": steps, "form_name": FORM_NAMES[form], "lines": range(6)},
        request=request,
    )
    # Public, the same for everyone: caches may keep it.
    return pdf_response(content, filename=f"roadmap-{form}-form.pdf", private=False)


@require_safe
def about(request):
    """The roadmap described for everyone: the published template's steps and each form's
    checkpoints, in the page's language, with the blank forms to print. Public."""
    version = TemplateVersion.objects.order_by("-number").first()
    steps = []
    if version is not None:
        steps = list(
            version.steps.prefetch_related(
                Prefetch("checkpoints", queryset=Checkpoint.objects.order_by("position"))
            )
        )
        for step in steps:
            step.by_form = [
                (label, [c for c in step.checkpoints.all() if c.form == form])
                for form, label in FORM_NAMES.items()
            ]
    return render(request, "checklists/about.html", {"version": version, "steps": steps})
