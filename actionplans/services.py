"""Writes to partnerships: one function per action, each in one transaction.

The signing rule lives here (partnership_sign): a signature is given to the content the
signer checked, identified by its hash. If the draft has changed since, nothing is signed
(Conflict). The first signature of a content freezes it into a new revision, superseding
an open one of other content; the last required signature makes the revision signed.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from roadmap_portal.lib.email import email_user
from roadmap_portal.lib.history import content_hash
from roadmap_portal.lib.locking import Conflict

from .access import MUNICIPALITY_PARTY, partnership_readers, signers_for, signing_parties
from .content import partnership_content
from .models import (
    Partnership,
    PartnershipEvent,
    PartnershipRevision,
    PublicationConsent,
    Signature,
)


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
        frozen = True
    else:
        frozen = False
    organization = None if party is MUNICIPALITY_PARTY else party
    signature = revision.signatures.filter(organization=organization).first()
    # Signing the same content again changes nothing: the view says so.
    signature_is_new = signature is None
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
    elif frozen:
        revision_waiting_notify(revision=revision, partnership=partnership, actor=signer)
    signature.is_new = signature_is_new
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
    revision_signed_notify(revision=revision, partnership=partnership, actor=actor)


# --- Part C: e-mails about sign-off, and publication ------------------------------------


def _link(reader, name, **kwargs) -> str:
    # The link opens the page in the reader's language, as the e-mail is written.
    with translation.override(reader.language or settings.LANGUAGE_CODE):
        return settings.PORTAL_URL + reverse(name, kwargs=kwargs)


def revision_waiting_notify(*, revision, partnership, actor):
    """A new content was frozen by its first signature: everyone who signs for a party
    that has not signed it yet is asked to, the signer excepted."""
    signed = set(revision.signatures.values_list("organization_id", flat=True))
    readers = {}
    for party in signing_parties(partnership):
        if (None if party is MUNICIPALITY_PARTY else party.pk) in signed:
            continue
        for reader in signers_for(partnership, party).exclude(pk=actor.pk):
            readers[reader.pk] = reader
    context = {"title": partnership.title, "number": revision.number, "actor": str(actor)}
    for reader in readers.values():
        url = _link(reader, "actionplans:check", pk=partnership.pk)
        email_user(reader, "partnership_waiting", context | {"url": url})


def revision_signed_notify(*, revision, partnership, actor):
    """Everyone has signed: the signers, the municipality's staff and the partners'
    representatives are told, the last signer excepted."""
    readers = {reader.pk: reader for reader in partnership_readers(partnership)}
    signer_ids = revision.signatures.filter(signer__is_active=True).values_list(
        "signer_id", flat=True
    )
    for signer in get_user_model().objects.filter(pk__in=signer_ids):
        readers[signer.pk] = signer
    readers.pop(actor.pk, None)
    context = {"title": partnership.title, "number": revision.number}
    for reader in readers.values():
        url = _link(reader, "actionplans:revision", pk=partnership.pk, number=revision.number)
        email_user(reader, "partnership_signed", context | {"url": url})


@transaction.atomic
def publication_consent_give(*, partnership, party, actor) -> bool:
    """`actor` agrees for `party` (the caller checked through access.parties_of that they
    sign for it) that the partnership may be public. True when it was not agreed yet;
    agreeing again changes nothing."""
    organization = None if party is MUNICIPALITY_PARTY else party
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    if PublicationConsent.objects.filter(
        partnership=partnership, organization=organization
    ).exists():
        return False
    PublicationConsent.objects.create(
        partnership=partnership, organization=organization, given_by=actor
    )
    PartnershipEvent.objects.create(
        partnership=partnership,
        kind=PartnershipEvent.Kind.CONSENTED,
        actor=actor,
        fields={"organization_id": organization.pk if organization else None},
    )
    return True


@transaction.atomic
def publication_consent_withdraw(*, partnership, party, actor) -> bool:
    """`actor` withdraws `party`'s agreement: the partnership is no longer public, at once.
    True when there was an agreement to withdraw."""
    organization = None if party is MUNICIPALITY_PARTY else party
    deleted, _rows = PublicationConsent.objects.filter(
        partnership=partnership, organization=organization
    ).delete()
    if not deleted:
        return False
    PartnershipEvent.objects.create(
        partnership=partnership,
        kind=PartnershipEvent.Kind.CONSENT_WITHDRAWN,
        actor=actor,
        fields={"organization_id": organization.pk if organization else None},
    )
    return True
