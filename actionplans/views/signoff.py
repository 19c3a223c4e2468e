"""Check and sign, revisions and what changed between them, publication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from roadmap_portal.lib.history import content_hash
from roadmap_portal.lib.locking import Conflict
from roadmap_portal.lib.pagination import paginate

from ..access import (
    MUNICIPALITY_PARTY,
    get_partnership_for_signing,
    get_partnership_for_user,
    get_public_partnership,
    is_public,
    parties_of,
    public_partnerships,
    signing_parties,
)
from ..content import content_changes, content_labels, partnership_content
from ..forms_signoff import DRAFT, CompareForm, PublicationForm, SignForm, party_key, party_name
from ..models import PartnershipRevision, PublicationConsent
from ..services import (
    NotSignable,
    partnership_sign,
    publication_consent_give,
    publication_consent_withdraw,
    signing_problems,
)


def _party_rows(partnership, signatures=()):
    """Each party that signs, its name, and its signature among `signatures` (or None)."""
    by_party = {signature.organization_id: signature for signature in signatures}
    return [
        {
            "key": party_key(party),
            "name": party_name(party, partnership),
            "is_municipality": party is MUNICIPALITY_PARTY,
            "signature": by_party.get(None if party is MUNICIPALITY_PARTY else party.pk),
        }
        for party in signing_parties(partnership)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def check(request, pk):
    """Check your answers: the draft as it would be signed, and the sign form for those
    who sign."""
    if request.method == "POST":
        partnership = get_partnership_for_signing(request.user, pk)
        parties = partnership.parties
    else:
        partnership = get_partnership_for_user(request.user, pk)
        parties = parties_of(request.user, partnership)
    form_kwargs = {"parties": parties, "partnership": partnership}
    conflict, reasons, form = False, [], None
    if request.method == "POST":
        form = SignForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                signature = partnership_sign(
                    partnership=partnership,
                    party=form.cleaned_data["party"],
                    signer=request.user,
                    checked_hash=form.cleaned_data["content_hash"],
                )
            except Conflict:
                conflict, form = True, None
            except NotSignable as error:
                reasons = error.reasons
            else:
                if not signature.is_new:
                    messages.info(
                        request,
                        _("This content was already signed for %(party)s.")
                        % {"party": party_name(form.cleaned_data["party"], partnership)},
                    )
                elif signature.revision.is_signed:
                    messages.success(
                        request,
                        _("You signed the action plan. Revision %(number)s is signed by everyone.")
                        % {"number": signature.revision.number},
                    )
                else:
                    messages.success(
                        request,
                        _("You signed revision %(number)s. It waits for the other signatures.")
                        % {"number": signature.revision.number},
                    )
                return redirect(partnership)
    content = partnership_content(partnership)
    current = content_hash(content)
    if parties and form is None:
        form = SignForm(initial={"content_hash": current}, **form_kwargs)
    revision = (
        partnership.revisions.filter(content_hash=current)
        .exclude(status=PartnershipRevision.Status.SUPERSEDED)
        .prefetch_related("signatures")
        .first()
    )
    signatures = [s for s in revision.signatures.all() if s.is_valid] if revision else []
    # A revision waiting for signatures of content that has changed since: signing this
    # content supersedes it.
    outdated = (
        None
        if revision
        else partnership.revisions.filter(status=PartnershipRevision.Status.OPEN).first()
    )
    return render(
        request,
        "actionplans/check.html",
        {
            "partnership": partnership,
            "content": content,
            "labels": content_labels(content),
            "content_hash": current,
            "revision": revision,
            "outdated": outdated,
            "parties": _party_rows(partnership, signatures),
            "problems": signing_problems(partnership),
            "form": form,
            "conflict": conflict,
            "reasons": reasons,
            "page_has_errors": conflict or bool(reasons),
        },
    )


@login_required
@require_safe
def revision_list(request, pk):
    """Every revision: its status, when, and its signatures, valid or void."""
    partnership = get_partnership_for_user(request.user, pk)
    revisions = list(partnership.revisions.prefetch_related("signatures").order_by("-number"))
    latest = revisions[0] if revisions else None
    return render(
        request,
        "actionplans/revision_list.html",
        {
            "partnership": partnership,
            "revisions": revisions,
            "draft_differs": latest is None
            or content_hash(partnership_content(partnership)) != latest.content_hash,
        },
    )


def _revision(partnership, number):
    revision = partnership.revisions.filter(number=number).first()
    if revision is None:
        raise Http404
    return revision


@login_required
@require_safe
def revision_detail(request, pk, number):
    """One revision, printed from what it froze (not from the live rows)."""
    partnership = get_partnership_for_user(request.user, pk)
    revision = _revision(partnership, number)
    signatures = list(revision.signatures.all())
    for signature in signatures:
        signature.revision = revision
    return render(
        request,
        "actionplans/revision_detail.html",
        {
            "partnership": partnership,
            "revision": revision,
            "signatures": signatures,
            "content": revision.content,
            "labels": content_labels(revision.content),
        },
    )


@login_required
@require_safe
def revision_compare(request, pk):
    """What changed between two revisions, or a revision and the draft (?from=1&to=draft);
    by default the latest signed revision (or the latest) against the draft."""
    partnership = get_partnership_for_user(request.user, pk)
    revisions = {revision.number: revision for revision in partnership.revisions.order_by("number")}
    context = {"partnership": partnership, "has_revisions": bool(revisions)}
    if revisions:
        signed = [n for n, revision in revisions.items() if revision.is_signed]
        data = {
            "from": request.GET.get("from", str((signed or list(revisions))[-1])),
            "to": request.GET.get("to", DRAFT),
        }
        form = CompareForm(data, numbers=list(revisions))
        context["form"] = form
        if form.is_valid():
            before = revisions[form.cleaned_data["from"]].content
            to = form.cleaned_data["to"]
            after = partnership_content(partnership) if to == DRAFT else revisions[to].content
            context |= {
                "changes": content_changes(before, after),
                "labels": content_labels(before, after),
                "from_number": form.cleaned_data["from"],
                "to_number": to,
            }
    return render(request, "actionplans/compare.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def publication(request, pk):
    """Each signing party agrees, or withdraws its agreement, that the partnership may be
    public."""
    if request.method == "POST":
        partnership = get_partnership_for_signing(request.user, pk)
        parties = partnership.parties
    else:
        partnership = get_partnership_for_user(request.user, pk)
        parties = parties_of(request.user, partnership)
    form = None
    if request.method == "POST":
        form = PublicationForm(request.POST, parties=parties, partnership=partnership)
        if form.is_valid():
            party = form.cleaned_data["party"]
            if form.cleaned_data["decision"] == "agree":
                try:
                    publication_consent_give(
                        partnership=partnership, party=party, actor=request.user
                    )
                except NotSignable as error:
                    for reason in error.reasons:
                        messages.error(request, reason)
                else:
                    messages.success(
                        request,
                        _("%(party)s agrees to make the partnership public.")
                        % {"party": party_name(party, partnership)},
                    )
            else:
                publication_consent_withdraw(
                    partnership=partnership, party=party, actor=request.user
                )
                messages.success(
                    request,
                    _("%(party)s no longer agrees to make the partnership public.")
                    % {"party": party_name(party, partnership)},
                )
            return redirect("actionplans:publication", pk=partnership.pk)
    consents = {
        consent.organization_id: consent
        for consent in PublicationConsent.objects.filter(partnership=partnership)
    }
    mine = {party_key(party) for party in parties}
    rows = [
        row
        | {
            "consent": consents.get(None if row["is_municipality"] else int(row["key"])),
            "mine": row["key"] in mine,
        }
        for row in _party_rows(partnership)
    ]
    return render(
        request,
        "actionplans/publication.html",
        {
            "partnership": partnership,
            "rows": rows,
            "form": form,
            "is_public": is_public(partnership),
            "has_signed_revision": partnership.revisions.filter(
                status=PartnershipRevision.Status.SIGNED
            ).exists(),
        },
    )


@require_safe
def public_list(request):
    """The partnerships every signing party agreed to publish, named as they signed them
    (the latest signed revision's title and partners, not the draft's)."""
    latest = PartnershipRevision.objects.filter(
        partnership=OuterRef("pk"), status=PartnershipRevision.Status.SIGNED
    ).order_by("-number")
    partnerships = (
        public_partnerships()
        .with_municipality()
        .annotate(signed_content=Subquery(latest.values("content")[:1]))
        .order_by("title", "id")
    )
    return render(
        request, "actionplans/public_list.html", {"partnerships": paginate(request, partnerships)}
    )


@require_safe
def public_detail(request, pk):
    """A public partnership: title, partners (names and roles), shared result, status and
    the latest signed revision, without anyone's contact details."""
    partnership = get_public_partnership(pk)
    # What the public reads is what was signed: the draft's title and partners stay private.
    revision = partnership.revisions.filter(status=PartnershipRevision.Status.SIGNED).first()
    return render(
        request,
        "actionplans/public_detail.html",
        {
            "partnership": partnership,
            "revision": revision,
            "content": revision.content,
            "labels": content_labels(revision.content),
        },
    )
