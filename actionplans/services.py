"""Writes to partnerships: one function per action, each in one transaction.

The signing rule lives here (partnership_sign): a signature is given to the content the
signer checked, identified by its hash. If the draft has changed since, nothing is signed
(Conflict). The first signature of a content freezes it into a new revision, superseding
an open one of other content; the last required signature makes the revision signed.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from checklists.models import Checkpoint
from orgs.sides import Side
from roadmap_portal.lib.email import email_user
from roadmap_portal.lib.history import canonical_json, content_hash, diff, snapshot
from roadmap_portal.lib.locking import Conflict, bump_version, lock_at_version

from .access import MUNICIPALITY_PARTY, partnership_people, signers_for, signing_parties
from .content import partnership_content
from .models import (
    LONG_TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    ActionItem,
    CommunicationItem,
    Member,
    Partnership,
    PartnershipEvent,
    PartnershipRevision,
    PublicationConsent,
    Signature,
    SignedPdf,
    calendar_key,
)
from .pdf import language_of_country

MEMBER_FIELDS = ("role", "organization", "name", "contact_name", "contact_email", "contact_phone")


@dataclass
class CarryOver:
    """What a partnership started from a completed roadmap takes from it."""

    roadmap: object
    lead_organization: object = None  # a community roadmap's organization
    target_groups: list = field(default_factory=list)
    target_group_detail: str = ""
    needs: dict = field(default_factory=dict)
    organizations: list = field(default_factory=list)  # they become implementing partners


def roadmap_carry_over(roadmap) -> CarryOver:
    """The target groups, needs and attached organizations of a roadmap's answers, in a
    fixed number of queries."""
    carried = CarryOver(
        roadmap=roadmap,
        lead_organization=roadmap.organization if roadmap.form == Side.COMMUNITY else None,
    )
    answers = roadmap.answers.select_related("checkpoint").prefetch_related(
        "target_groups", "organizations"
    )
    groups, organizations = {}, {}
    for answer in answers.order_by("checkpoint__step__number", "checkpoint__position"):
        kind = answer.checkpoint.kind
        if kind == Checkpoint.Kind.TARGET_GROUP:
            groups |= {group.pk: group for group in answer.target_groups.all()}
            if answer.text.strip() and not carried.target_group_detail:
                carried.target_group_detail = answer.text.strip()[:LONG_TEXT_MAX_LENGTH]
        elif kind == Checkpoint.Kind.NEEDS:
            carried.needs |= {slug: detail for slug, detail in answer.needs.items() if detail}
        elif kind in (Checkpoint.Kind.ORGANIZATIONS, Checkpoint.Kind.SIMILAR_ORGANIZATIONS):
            for organization in answer.organizations.all():
                if organization.pk != roadmap.organization_id:
                    organizations.setdefault(organization.pk, organization)
    carried.target_groups = sorted(groups.values(), key=lambda group: group.name)
    carried.organizations = sorted(organizations.values(), key=lambda o: o.name)
    return carried


@transaction.atomic
def partnership_start(
    *, municipality, title: str, shared_result: str, actor, roadmap=None
) -> Partnership:
    """A new draft partnership of `municipality`, its lead-municipality partner, and the
    event that says who started it. Started from a completed `roadmap`, it takes the
    roadmap's target groups, needs and attached organizations (implementing partners);
    a community roadmap's organization leads and signs."""
    carried = roadmap_carry_over(roadmap) if roadmap is not None else None
    partnership = Partnership.objects.create(
        municipality=municipality,
        title=title[:TITLE_MAX_LENGTH],
        shared_result=shared_result,
        roadmap=roadmap,
        created_by=actor,
        needs=carried.needs if carried else {},
        target_group_detail=carried.target_group_detail if carried else "",
    )
    members = [
        Member(
            partnership=partnership,
            role=Member.Role.LEAD_MUNICIPALITY,
            municipality=municipality,
        )
    ]
    if carried:
        partnership.target_groups.set(carried.target_groups)
        if carried.lead_organization:
            members += [
                Member(partnership=partnership, role=role, organization=carried.lead_organization)
                for role in (Member.Role.LEAD_ORGANIZATION, Member.Role.SIGNATORY)
            ]
        members += [
            Member(partnership=partnership, role=Member.Role.IMPLEMENTING, organization=o)
            for o in carried.organizations
        ]
    for position, member in enumerate(members):
        member.position = position
    Member.objects.bulk_create(members)
    PartnershipEvent.objects.create(
        partnership=partnership,
        kind=PartnershipEvent.Kind.CREATED,
        actor=actor,
        fields={"roadmap": roadmap.pk} if roadmap else {},
    )
    return partnership


@transaction.atomic
def partnership_details_save(*, partnership, values: dict, version: int, actor) -> Partnership:
    """Save the details page if nobody saved it since `version` was loaded (Conflict
    otherwise, with the partnership as saved now); record what changed."""
    locked = lock_at_version(
        Partnership.objects.select_related("municipality"), pk=partnership.pk, version=version
    )
    before = snapshot(locked, Partnership.DETAILS_FIELDS)
    for name, value in values.items():
        if name != "target_groups":
            setattr(locked, name, value)
    locked.save(update_fields=[n for n in values if n != "target_groups"] + ["updated_at"])
    if "target_groups" in values:
        locked.target_groups.set(values["target_groups"])
    bump_version(locked)
    # Dates as ISO text: what JSON holds.
    changed = json.loads(canonical_json(diff(before, snapshot(locked, Partnership.DETAILS_FIELDS))))
    if changed:
        PartnershipEvent.objects.create(
            partnership=locked,
            kind=PartnershipEvent.Kind.DETAILS_SAVED,
            actor=actor,
            fields=changed,
        )
    return locked


def _member_key(member):
    return (member.organization_id, "" if member.organization_id else member.name, member.role)


def _row_key(row):
    organization = row.get("organization")
    return (
        organization.pk if organization else None,
        "" if organization else row.get("name", ""),
        row.get("role"),
    )


@transaction.atomic
def partnership_members_save(*, partnership, rows: list[dict], version: int, actor):
    """Replace the partners with `rows`, in their order, if nobody saved them since
    `version` was loaded (Conflict otherwise). A row is a dict of MEMBER_FIELDS and `id`:
    a kept row's id updates it, a row without one (or with another partnership's) is new,
    and a row left out is removed. The lead municipality is always kept first: its row
    only takes its contact details from a row of that role."""
    locked = lock_at_version(
        Partnership.objects.select_related("municipality"),
        pk=partnership.pk,
        version=version,
        field="members_version",
    )
    existing = {member.pk: member for member in locked.members.all()}
    lead = next(
        (m for m in existing.values() if m.role == Member.Role.LEAD_MUNICIPALITY), None
    ) or Member(
        partnership=locked, role=Member.Role.LEAD_MUNICIPALITY, municipality=locked.municipality
    )
    others = [row for row in rows if row.get("role") != Member.Role.LEAD_MUNICIPALITY]
    for row in rows:
        if row.get("role") == Member.Role.LEAD_MUNICIPALITY:
            for name in ("contact_name", "contact_email", "contact_phone"):
                setattr(lead, name, row.get(name, ""))
    kept_ids = {row.get("id") for row in others} & (existing.keys() - {lead.pk})
    removed = [pk for pk in existing if pk not in kept_ids and pk != lead.pk]
    # The final rows are unique per role (the form checked), but not every step between:
    # removed rows go first, and kept rows that change partner or role are parked on a
    # placeholder so that two rows swapping roles never meet on the way.
    Member.objects.filter(pk__in=removed).delete()
    moving = [
        row["id"]
        for row in others
        if row.get("id") in kept_ids and _member_key(existing[row["id"]]) != _row_key(row)
    ]
    for pk in moving:
        Member.objects.filter(pk=pk).update(
            # A vertical tab: no name typed in a form has one, so the placeholder meets none.
            organization=None,
            name=f"\v{pk}",
            role=Member.Role.IMPLEMENTING,
        )
    lead.position = 0
    lead.save()
    created = updated = 0
    for position, row in enumerate(others, start=1):
        member = existing[row["id"]] if row.get("id") in kept_ids else Member(partnership=locked)
        member.position = position
        for name in MEMBER_FIELDS:
            setattr(member, name, row.get(name) or ("" if name != "organization" else None))
        if member.organization_id:
            member.name = ""
        created += member.pk is None
        updated += member.pk is not None
        member.save()
    bump_version(locked, field="members_version")
    PartnershipEvent.objects.create(
        partnership=locked,
        kind=PartnershipEvent.Kind.MEMBERS_SAVED,
        actor=actor,
        fields={"created": created, "updated": updated, "removed": len(removed)},
    )
    return locked


class NotSignable(Exception):
    """The partnership cannot be signed as it is; `reasons` say why, in the user's words."""

    def __init__(self, *reasons):
        super().__init__(*reasons)
        self.reasons = [str(reason) for reason in reasons]


def signing_problems(partnership) -> list[str]:
    """Why the partnership cannot be signed yet (empty when it can)."""
    problems = []
    # What the partners sign up to: a plan toward no stated result is no agreement.
    if not partnership.shared_result.strip():
        problems.append(_("Describe the shared result in the details."))
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
    # An open revision of other content waits for nobody now: the draft is this content.
    stale = partnership.revisions.filter(status=PartnershipRevision.Status.OPEN)
    if revision is not None:
        stale = stale.exclude(pk=revision.pk)
    stale.update(status=PartnershipRevision.Status.SUPERSEDED)
    if revision is None:
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
    if signature is None and revision.signatures.filter(signer=signer).exists():
        # Both sides sign: one person holding both roles does not make two signatures.
        raise NotSignable(
            _(
                "You have signed this revision for another party already. Each party signs"
                " by a different person."
            )
        )
    # Signing the same content again changes nothing: the view says so.
    signature_is_new = signature is None
    if signature is None:
        signature = Signature.objects.create(
            revision=revision,
            organization=organization,
            signer=signer,
            signer_name=signer.public_name,
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
        # The details page edits the status: an editor who loaded it before saves a
        # conflict, not a return to draft.
        bump_version(partnership)
    PartnershipEvent.objects.create(
        partnership=partnership,
        kind=PartnershipEvent.Kind.REVISION_SIGNED,
        actor=actor,
        revision=revision,
    )
    revision_signed_notify(revision=revision, partnership=partnership, actor=actor)
    signed_pdf_request(
        revision=revision, language=language_of_country(partnership.municipality.country)
    )


# --- The action plan and the communication plan (part B) --------------------------------


@dataclass(frozen=True)
class PlanSaved:
    """What one save of a plan did, in rows."""

    added: int = 0
    changed: int = 0
    moved: int = 0
    removed: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.added or self.changed or self.moved or self.removed)


ACTION_VALUES = (
    "activity",
    "responsible_user_id",
    "responsible_name",
    "responsible_member_id",
    "goals",
    "starts_on",
    "deadline",
    "ongoing",
    "status",
    "blocked_reason",
    "depends_on_id",
)


def _plan_save(*, partnership, rows, version, actor, model, names, version_field, kind):
    """Save a plan's rows as a whole list, in order: rows with the id of a saved row
    update it, rows without one are new, saved rows not among them are removed. A fixed
    number of queries however many rows. Conflict when the plan's version is not the one
    the editor loaded."""
    locked = lock_at_version(
        Partnership.objects.all(), pk=partnership.pk, version=version, field=version_field
    )
    saved = {row.pk: row for row in model.objects.filter(partnership=locked)}
    kept_ids = {row["id"] for row in rows if row["id"] is not None}
    if not kept_ids <= saved.keys():
        # The form only keeps ids of the rows saved at `version`: another plan's or a
        # stale id never gets here, and is not written.
        raise Conflict(current=locked)
    changed, new, counts = [], [], {"added": 0, "changed": 0, "moved": 0}
    for position, values in enumerate(rows):
        fields = {name: values[name] for name in names}
        if values["id"] is None:
            new.append(model(partnership=locked, position=position, **fields))
            counts["added"] += 1
            continue
        row = saved[values["id"]]
        edited = any(getattr(row, name) != value for name, value in fields.items())
        moved = row.position != position
        if edited or moved:
            for name, value in fields.items():
                setattr(row, name, value)
            row.position = position
            changed.append(row)
            counts["changed" if edited else "moved"] += 1
    removed = saved.keys() - kept_ids
    result = PlanSaved(removed=len(removed), **counts)
    if not result.anything:
        return result
    if removed:
        model.objects.filter(pk__in=removed).delete()
    if changed:
        model.objects.bulk_update(changed, [*names, "position"])
    if new:
        model.objects.bulk_create(new)
    bump_version(locked, field=version_field)
    Partnership.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    PartnershipEvent.objects.create(
        partnership=locked,
        kind=kind,
        actor=actor,
        fields={
            "added": result.added,
            "changed": result.changed,
            "moved": result.moved,
            "removed": result.removed,
        },
    )
    setattr(partnership, version_field, getattr(locked, version_field))
    return result


@transaction.atomic
def action_plan_save(*, partnership, rows: list[dict], version: int, actor) -> PlanSaved:
    """Save the action plan as `rows` (ActionFormSet.plan_rows(): each {"id": saved row or
    None, **ACTION_VALUES}), in their order, if it is still at `version` (Conflict when
    someone saved it since). Records what changed (PartnershipEvent ACTIONS_SAVED)."""
    return _plan_save(
        partnership=partnership,
        rows=rows,
        version=version,
        actor=actor,
        model=ActionItem,
        names=ACTION_VALUES,
        version_field="actions_version",
        kind=PartnershipEvent.Kind.ACTIONS_SAVED,
    )


@transaction.atomic
def communication_plan_save(*, partnership, rows: list[dict], version: int, actor) -> PlanSaved:
    """As action_plan_save, for the communication plan (COMMUNICATIONS_SAVED)."""
    return _plan_save(
        partnership=partnership,
        rows=rows,
        version=version,
        actor=actor,
        model=CommunicationItem,
        names=CommunicationItem.EDITABLE_FIELDS,
        version_field="communications_version",
        kind=PartnershipEvent.Kind.COMMUNICATIONS_SAVED,
    )


@transaction.atomic
def calendar_reset(*, partnership, actor) -> str:
    """A new secret for the partnership's calendar feed: the old address stops working."""
    partnership.calendar_key = calendar_key()
    partnership.save(update_fields=["calendar_key", "updated_at"])
    PartnershipEvent.objects.create(
        partnership=partnership, kind=PartnershipEvent.Kind.CALENDAR_RESET, actor=actor
    )
    return partnership.calendar_key


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
    readers = {reader.pk: reader for reader in partnership_people(partnership)}
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
    if PublicationConsent.objects.filter(partnership=partnership, given_by=actor).exists():
        # As with signatures: one person holding both roles does not agree for two parties.
        raise NotSignable(
            _("You have agreed for another party already. Each party agrees by a different person.")
        )
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
