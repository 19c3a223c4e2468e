"""Writes to partnerships: one function per action, each in one transaction.

The signing rule lives here (partnership_sign): a signature is given to the content the
signer checked, identified by its hash. If the draft has changed since, nothing is signed
(Conflict). The first signature of a content freezes it into a new revision, superseding
an open one of other content; the last required signature makes the revision signed.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from roadmap_portal.lib.history import content_hash
from roadmap_portal.lib.locking import Conflict

from .access import MUNICIPALITY_PARTY, signing_parties
from .content import partnership_content
from .models import Partnership, PartnershipEvent, PartnershipRevision, Signature, SignedPdf
from .pdf import language_of_country


class NotSignable(Exception):
    """The partnership cannot be signed as it is; `reasons` say why, in the user's words."""

    def __init__(self, *reasons):
        super().__init__(*reasons)
        self.reasons = [str(reason) for reason in reasons]


def signing_problems(partnership) -> list[str]:
    """Why the partnership cannot be signed yet (empty when it can)."""
    problems = []
    if len(signing_parties(partnership)) < 2:
        problems.append(_("Add at least one partner organization as a signatory."))
    if not partnership.actions.exists():
        problems.append(_("Add at least one row to the action plan."))
    return problems


def _party_label(party, partnership) -> str:
    if party is MUNICIPALITY_PARTY:
        return _("Coordinator, %(municipality)s") % {"municipality": partnership.municipality.name}
    return _("Representative, %(organization)s") % {"organization": party.name}


@transaction.atomic
def partnership_sign(*, partnership, party, signer, checked_hash: str) -> Signature:
    """`signer` signs for `party` (MUNICIPALITY_PARTY or a signatory organization; the
    caller checked through actionplans.access.parties_of that they may) the content whose
    hash they checked. Conflict when the draft is no longer that content; NotSignable when
    it cannot be signed. Returns the signature; its revision says whether it is signed."""
    # One signer at a time per partnership: two first signatures make one revision.
    locked = Partnership.objects.select_for_update().select_related("municipality")
    partnership = locked.get(pk=partnership.pk)
    content = partnership_content(partnership)
    if content_hash(content) != checked_hash:
        raise Conflict(current=partnership)
    problems = signing_problems(partnership)
    if problems:
        raise NotSignable(*problems)
    revision = (
        partnership.revisions.filter(content_hash=checked_hash)
        .exclude(status=PartnershipRevision.Status.SUPERSEDED)
        .first()
    )
    if revision is None:
        partnership.revisions.filter(status=PartnershipRevision.Status.OPEN).update(
            status=PartnershipRevision.Status.SUPERSEDED
        )
        latest = partnership.revisions.order_by("-number").values_list("number", flat=True)
        revision = PartnershipRevision(
            partnership=partnership,
            number=(latest.first() or 0) + 1,
            content=content,
            created_by=signer,
        ).freeze()
        revision.save()
    organization = None if party is MUNICIPALITY_PARTY else party
    signature = revision.signatures.filter(organization=organization).first()
    if signature is None:
        signature = Signature.objects.create(
            revision=revision,
            organization=organization,
            signer=signer,
            signer_name=str(signer),
            signer_role=_party_label(party, partnership),
            content_hash=revision.content_hash,
        )
        PartnershipEvent.objects.create(
            partnership=partnership,
            kind=PartnershipEvent.Kind.SIGNED,
            actor=signer,
            revision=revision,
        )
    if revision.status == PartnershipRevision.Status.OPEN and _all_signed(revision, partnership):
        revision_signed(revision=revision, actor=signer)
    return signature


def _all_signed(revision, partnership) -> bool:
    signed = {
        signature.organization_id
        for signature in revision.signatures.all()
        if signature.content_hash == revision.content_hash
    }
    required = {None if party is None else party.pk for party in signing_parties(partnership)}
    return required <= signed


def revision_signed(*, revision, actor):
    """Every party has signed: the revision is signed, an open partnership is active, and
    its PDF is made (once, by the task worker)."""
    revision.status, revision.signed_at = PartnershipRevision.Status.SIGNED, timezone.now()
    revision.save(update_fields=["status", "signed_at"])
    partnership = revision.partnership
    if partnership.status == Partnership.Status.DRAFT:
        partnership.status = Partnership.Status.ACTIVE
        partnership.save(update_fields=["status", "updated_at"])
    PartnershipEvent.objects.create(
        partnership=partnership,
        kind=PartnershipEvent.Kind.REVISION_SIGNED,
        actor=actor,
        revision=revision,
    )
    signed_pdf_request(
        revision=revision, language=language_of_country(partnership.municipality.country)
    )


# --- The signed PDF (made once per revision and language, by the task worker) ------------

# A PDF still waiting after this long lost its worker (the worker stopped, the database went
# away): it may be requested again, as a failed one may.
SIGNED_PDF_GIVE_UP_AFTER = timedelta(minutes=10)


def signed_pdf_stalled(pdf) -> bool:
    return (
        pdf.status == SignedPdf.Status.PENDING
        and timezone.now() - pdf.created_at > SIGNED_PDF_GIVE_UP_AFTER
    )


@transaction.atomic
def signed_pdf_request(*, revision, language: str) -> SignedPdf:
    """The signed revision's PDF in `language`: asked of the task worker
    (actionplans.tasks.signed_pdf_make) when the commit is done, once. A PDF that is made
    or being made is left as it is; one that failed (or stalled) is asked for again."""
    from .tasks import signed_pdf_make  # the task module imports this one

    if not revision.is_signed:
        raise ValueError("Only a signed revision has a signed PDF.")
    pdf, created = SignedPdf.objects.get_or_create(revision=revision, language=language)
    if not created:
        # Conditional: of two requests at once, one asks again.
        retry = SignedPdf.objects.filter(pk=pdf.pk).filter(
            Q(status=SignedPdf.Status.FAILED)
            | Q(
                status=SignedPdf.Status.PENDING,
                created_at__lt=timezone.now() - SIGNED_PDF_GIVE_UP_AFTER,
            )
        )
        if not retry.update(
            status=SignedPdf.Status.PENDING, created_at=timezone.now(), finished_at=None
        ):
            return pdf
        pdf.refresh_from_db(fields=["status", "created_at", "finished_at"])
    transaction.on_commit(lambda: signed_pdf_make.enqueue(pdf.pk))
    return pdf
