"""Who gets what from every URL of the portal: the permission matrix.

MATRIX has a row per URL name, method and object case, with the answer each role gets
(the roles and cases are described in tests/matrix.py). The answer is written once, as the
portal should give it; an answer it does not give yet is xfail(expected, reason), strict, so
it is noticed when it changes. A URL pattern without rows fails
test_every_url_pattern_has_rows_in_the_matrix. Admin URLs follow one rule instead of rows.

Shorthand: everybody(200) is one answer for all roles; signed_in(403, staff=200) sends the
anonymous visitor to sign in (LOGIN: a 302 to the sign-in page, Location checked) and gives
the others 403 but staff 200. POST rows send Url.data (empty unless given): for the roles
allowed, 200 is the form shown again with its errors, 302 the done-and-redirected, 400 a
form error of an htmx fragment.
"""

import pytest
from django.conf import settings
from django.db import transaction

from orgs.models import Organization

from .matrix import (
    CLAIM,
    COLLEAGUES_IMPORT,
    COMMUNITY_FORM,
    COMPLETED_ROADMAP,
    EDIT_OF_PENDING,
    EDIT_OF_PUBLISHED,
    EVALUATION,
    INVALID_RESET,
    INVALID_TOKEN,
    LOGIN,
    MOVE_AWAY,
    MOVE_HERE,
    MOVED_HERE,
    MUNICIPAL_ROADMAP,
    MUNICIPALITY,
    MY_IMPORT,
    OPEN_STAFF_INVITATION,
    PARTNERS_MEASUREMENT,
    PARTNERSHIP,
    PENDING,
    PENDING_ENTRYS_ROADMAP,
    PUBLIC_PARTNERSHIP,
    PUBLISHED,
    ROLES,
    SHARED_ROADMAP,
    SIGNED_PARTNERSHIP,
    STAFF_MEMBERSHIP,
    STAFFS_OWN_CLAIM,
    UNKNOWN_FORM,
    UNSHARED_ROADMAP,
    VALID_CONFIRMATION,
    VALID_INVITATION,
    VALID_RESET,
    VALID_STAFF_INVITATION,
    VALID_STILL_CORRECT,
    Url,
    Xfail,
    admin_login_url,
    admin_sample_kwargs,
    build_cast,
    everybody,
    login_url,
    path_of,
    signed_in,
    url_patterns,
)

pytestmark = pytest.mark.django_db


def slug(obj):
    return {"slug": obj.slug}


def pk(obj):
    return {"pk": obj.pk}


def token(value):
    return {"token": value}


def membership(obj):
    return {"slug": obj.municipality.slug, "pk": obj.pk}


def change(obj):
    return {"slug": obj.organization.slug, "change_id": obj.pk}


def version_of_the_entry(change):
    """A revert's POST carries the version of the entry the person saw."""
    return {"version": Organization.objects.get(pk=change.organization_id).version}


def checkpoint(roadmap):
    return {"pk": roadmap.pk, "code": "1.2"}  # a checkpoint of both forms


def share_of(roadmap):
    owner = roadmap.municipality_id or roadmap.organization.home_municipality_id
    return {"pk": roadmap.pk, "municipality_id": owner}


# Rows several URLs share.
PUBLIC = everybody(200)
SIGNED_IN = signed_in(200)
ANY_STAFF = signed_in(403, other_staff=200, staff=200, coordinator=200, administrator=200)
# Signed-in people are sent on (to the home page) instead of seeing the form.
ANONYMOUS_ONLY = everybody(302, anonymous=200)
GET_OF_POST_ONLY = everybody(405)


def post_only(cases):
    """The GET rows of a POST-only URL."""
    return dict.fromkeys(cases, GET_OF_POST_ONLY)


# An entry's insiders: its representatives, staff of its municipality, administrators.
ENTRY_PAGE = {
    PUBLISHED: everybody(200),
    PENDING: everybody(404, representative=200, staff=200, coordinator=200, administrator=200),
}
EDITORS = {
    PUBLISHED: signed_in(403, representative=200, administrator=200),
    PENDING: signed_in(404, representative=200, staff=403, coordinator=403, administrator=200),
}
HISTORY = {
    PUBLISHED: signed_in(403, staff=200, coordinator=200, administrator=200),
    PENDING: signed_in(404, representative=403, staff=200, coordinator=200, administrator=200),
}
# Its representatives are sent back to the entry: they already have it.
CLAIMANTS = {
    PUBLISHED: signed_in(200, representative=302),
    PENDING: signed_in(404, representative=302, staff=200, coordinator=200, administrator=200),
}
MODERATORS = signed_in(403, other_staff=404, staff=200, coordinator=200, administrator=200)
STAFF_MANAGERS = signed_in(404, staff=403, coordinator=200, administrator=200)
STAFF_MANAGERS_DONE = signed_in(404, staff=403, coordinator=302, administrator=302)
DECIDED = signed_in(403, other_staff=404, staff=302, coordinator=302, administrator=302)
# Whoever works for a municipality or represents an entry starts roadmaps.
STARTERS = {
    PUBLISHED: signed_in(200, no_role=403, administrator=403),
    # Only representatives of a published entry start its roadmaps.
    PENDING: signed_in(200, no_role=403, administrator=403, representative=403),
}

# Roadmaps: the owner's people edit (staff of the municipality, representatives of the
# organization), a coordinator of a municipality it is shared with reads, nobody else sees
# it, portal administrators included.
ROADMAP_READERS = {
    MUNICIPAL_ROADMAP: signed_in(404, staff=200, coordinator=200),
    UNSHARED_ROADMAP: signed_in(404, representative=200),
    SHARED_ROADMAP: signed_in(404, representative=200, coordinator=200),
    PENDING_ENTRYS_ROADMAP: signed_in(404, representative=200),
}

# Partnerships: staff of the municipality and representatives of its partners see and
# edit; a coordinator and representatives of signatory partners sign; nobody else sees it,
# portal administrators included.
PARTNERSHIP_MEMBERS = {PARTNERSHIP: signed_in(404, representative=200, staff=200, coordinator=200)}
PARTNERSHIP_SIGNERS = {PARTNERSHIP: signed_in(404, representative=200, staff=403, coordinator=200)}
PARTNERSHIP_MEMBER_ROW = PARTNERSHIP_MEMBERS[PARTNERSHIP]

# Staff and coordinators of any municipality start partnerships (for theirs).
STARTERS_OF_PARTNERSHIPS = signed_in(403, other_staff=200, staff=200, coordinator=200)

NOT_BUILT = everybody(404)

# A partnership's evaluation: every member reads and plans it (stages, evidence); nobody
# else sees it, portal administrators included.
EVALUATION_MEMBERS = {EVALUATION: PARTNERSHIP_MEMBER_ROW}
# A measurement waiting for approval is changed and withdrawn by its party's members: staff
# entered EVALUATION's for the municipality, the representative PARTNERS_MEASUREMENT's.
MEASUREMENT_CHANGERS = {
    EVALUATION: signed_in(404, representative=403, staff=200, coordinator=200),
    PARTNERS_MEASUREMENT: signed_in(404, representative=200, staff=403, coordinator=403),
}
# ... and decided by a member of another party.
MEASUREMENT_REVIEWERS = {
    EVALUATION: signed_in(404, representative=200, staff=403, coordinator=403),
    PARTNERS_MEASUREMENT: signed_in(404, representative=403, staff=200, coordinator=200),
}


def plan_saved(prefix, version, **row):
    """A plan's page saved with one new row (its rows replaced)."""
    data = {
        "version": version,
        f"{prefix}-TOTAL_FORMS": 1,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    if prefix == "actions":
        row.setdefault("responsible_name", "Anna Bērziņa")
    return data | {f"{prefix}-0-{name}": value for name, value in row.items()}


def revision_of(partnership):
    """A partnership's first revision."""
    return {"pk": partnership.pk, "number": 1}


def evaluation_kwargs(*names):
    """The URL's arguments for an evaluation case: the partnership's pk and the named rows
    (stage, kpi, measurement, evidence) of the case."""
    return lambda case: (
        {"pk": case.partnership.pk} | {name: getattr(case, name).pk for name in names}
    )


def sent_on(rows):
    """The same people, sent on (302) where the rows let them see the page (200)."""
    return {
        case: {role: 302 if answer == 200 else answer for role, answer in row.items()}
        for case, row in rows.items()
    }


def roadmap_writers(done, *, completed=None):
    """The owner's people get `done` (and `completed` on a completed roadmap); a
    coordinator who only reads gets 403, and so do the representatives of an entry that
    is not published (now)."""
    rows = {
        MUNICIPAL_ROADMAP: signed_in(404, staff=done, coordinator=done),
        UNSHARED_ROADMAP: signed_in(404, representative=done),
        SHARED_ROADMAP: signed_in(404, representative=done, coordinator=403),
        PENDING_ENTRYS_ROADMAP: signed_in(404, representative=403),
    }
    if completed is not None:
        rows[COMPLETED_ROADMAP] = signed_in(404, representative=completed)
    return rows


MATRIX = {
    # Outside the language prefix, and outside the URL patterns.
    "healthz": Url(GET=PUBLIC),
    "static": Url(path=f"{settings.STATIC_URL}css/portal.css", GET=PUBLIC),
    # The portal keeps no uploaded files: nothing is served under MEDIA_URL, to anybody.
    "media": Url(path=f"{settings.MEDIA_URL}anything.pdf", GET=everybody(404)),
    "home": Url(GET=PUBLIC),
    "accessibility": Url(GET=PUBLIC),
    "my_work": Url(GET=SIGNED_IN),
    # accounts
    "accounts:login": Url(GET=ANONYMOUS_ONLY, POST=ANONYMOUS_ONLY),
    "accounts:logout": Url(GET=everybody(405), POST=everybody(302)),
    "accounts:signup": Url(GET=ANONYMOUS_ONLY, POST=ANONYMOUS_ONLY),
    "accounts:check_email": Url(GET=PUBLIC),
    # Each user's own settings: nobody reaches another's (the page has no argument).
    "accounts:settings": Url(GET=SIGNED_IN, POST=SIGNED_IN),
    "accounts:confirm_email": Url(
        kwargs=token,
        GET={VALID_CONFIRMATION: everybody(200), INVALID_TOKEN: everybody(400)},
        POST={VALID_CONFIRMATION: everybody(302), INVALID_TOKEN: everybody(400)},
    ),
    "accounts:password_reset": Url(GET=PUBLIC, POST=PUBLIC),
    "accounts:password_reset_done": Url(GET=PUBLIC),
    # A valid link is swapped for one without the token (Django's set-password step); an
    # invalid one shows a page saying so.
    "accounts:password_reset_confirm": Url(
        kwargs=dict,
        GET={VALID_RESET: everybody(302), INVALID_RESET: everybody(200)},
        POST={VALID_RESET: everybody(302), INVALID_RESET: everybody(200)},
    ),
    "accounts:password_reset_complete": Url(GET=PUBLIC),
    # orgs: the directory
    "orgs:directory": Url(GET=PUBLIC),
    "exchange:export": Url(GET=PUBLIC),
    "exchange:export_hsds": Url(GET=PUBLIC),
    "orgs:register": Url(GET=PUBLIC, POST=PUBLIC),
    "orgs:registration_received": Url(GET=PUBLIC),
    "orgs:staff_invitation_withdraw": Url(
        kwargs=membership,
        GET=post_only({OPEN_STAFF_INVITATION: STAFF_MANAGERS}),
        POST={OPEN_STAFF_INVITATION: STAFF_MANAGERS_DONE},
    ),
    # The invitation is for an address none of the cast has: accepting it says so.
    "orgs:invitation": Url(
        kwargs=token,
        GET={VALID_INVITATION: everybody(200), INVALID_TOKEN: everybody(400)},
        POST={VALID_INVITATION: signed_in(200), INVALID_TOKEN: everybody(400)},
    ),
    # The link is the permission: whoever has it confirms the entry is still correct.
    "orgs:still_correct": Url(
        kwargs=token,
        GET={VALID_STILL_CORRECT: everybody(200), INVALID_TOKEN: everybody(400)},
        POST={VALID_STILL_CORRECT: everybody(302), INVALID_TOKEN: everybody(400)},
    ),
    "orgs:organization": Url(kwargs=slug, GET=ENTRY_PAGE),
    "orgs:edit": Url(kwargs=slug, GET=EDITORS, POST=EDITORS),
    "orgs:claim": Url(kwargs=slug, GET=CLAIMANTS, POST=CLAIMANTS),
    # Anyone writes to a published entry (the empty POST: the form and its errors); an
    # entry that is not published has no contact form, for its insiders neither.
    "orgs:contact": Url(
        kwargs=slug,
        GET={PUBLISHED: everybody(200), PENDING: everybody(404)},
        POST={PUBLISHED: everybody(200), PENDING: everybody(404)},
    ),
    "orgs:contact_sent": Url(kwargs=slug, GET={PUBLISHED: everybody(200), PENDING: everybody(404)}),
    "orgs:invite": Url(kwargs=slug, GET=EDITORS, POST=EDITORS),
    "orgs:history": Url(
        kwargs=slug,
        # Staff of a former home municipality still read the history.
        GET=HISTORY | {MOVED_HERE: HISTORY[PUBLISHED] | {"other_staff": 200}},
    ),
    # A page that shows what the revert would put back and undo, then the revert.
    "orgs:revert": Url(
        kwargs=change,
        data=lambda change: {
            "version": Organization.objects.get(pk=change.organization_id).version
        },
        GET={
            EDIT_OF_PUBLISHED: signed_in(403, staff=200, coordinator=200, administrator=200),
            EDIT_OF_PENDING: signed_in(
                404, representative=403, staff=200, coordinator=200, administrator=200
            ),
        },
        POST={
            EDIT_OF_PUBLISHED: signed_in(403, staff=302, coordinator=302, administrator=302),
            EDIT_OF_PENDING: signed_in(
                404, representative=403, staff=302, coordinator=302, administrator=302
            ),
        },
    ),
    "orgs:municipality": Url(kwargs=slug, GET={MUNICIPALITY: everybody(200)}),
    # orgs: a municipality's staff accounts, managed by its coordinators (and administrators);
    # its other staff see the page exists (403), who works there is not public (404).
    "orgs:staff": Url(kwargs=slug, GET={MUNICIPALITY: STAFF_MANAGERS}),
    "orgs:staff_invite": Url(
        kwargs=slug,
        data={"email": "new.colleague@example.org", "role": "staff"},
        GET={MUNICIPALITY: STAFF_MANAGERS},
        POST={MUNICIPALITY: STAFF_MANAGERS_DONE},
    ),
    "orgs:staff_role": Url(
        kwargs=membership,
        data={"role": "coordinator"},
        GET={STAFF_MEMBERSHIP: STAFF_MANAGERS},
        POST={STAFF_MEMBERSHIP: STAFF_MANAGERS_DONE},
    ),
    "orgs:staff_remove": Url(
        kwargs=membership,
        GET={STAFF_MEMBERSHIP: STAFF_MANAGERS},
        POST={STAFF_MEMBERSHIP: STAFF_MANAGERS_DONE},
    ),
    # The invitation is for an address none of the cast has: accepting it says so.
    "orgs:staff_invitation": Url(
        kwargs=token,
        GET={VALID_STAFF_INVITATION: everybody(200), INVALID_TOKEN: everybody(400)},
        POST={VALID_STAFF_INVITATION: signed_in(200), INVALID_TOKEN: everybody(400)},
    ),
    # orgs: moderation and imports
    "orgs:moderation": Url(GET=ANY_STAFF),
    "exchange:staff_export": Url(GET=ANY_STAFF),
    "exchange:import": Url(GET=ANY_STAFF, POST=ANY_STAFF),
    # An import is its municipality's: the uploader's colleagues see it (administrators
    # every import); only the uploader acts on it (exchange/access.py).
    "exchange:import_preview": Url(
        kwargs=pk,
        GET={
            MY_IMPORT: ANY_STAFF,
            COLLEAGUES_IMPORT: signed_in(
                403, other_staff=404, staff=200, coordinator=200, administrator=200
            ),
        },
        POST={
            MY_IMPORT: signed_in(
                403, other_staff=302, staff=302, coordinator=302, administrator=302
            ),
            COLLEAGUES_IMPORT: signed_in(403, other_staff=404),
        },
    ),
    # Approving a published entry: "someone else has already decided", back to the queue.
    "orgs:moderate": Url(
        kwargs=pk,
        data={"decision": "approve"},
        GET={PENDING: MODERATORS, PUBLISHED: MODERATORS},
        POST={PENDING: DECIDED, PUBLISHED: DECIDED},
    ),
    # Staff of the municipality an entry asks to move to decide; the one it leaves sees it.
    "orgs:moderate_move": Url(
        kwargs=pk,
        data={"decision": "approve"},
        GET=post_only([MOVE_HERE, MOVE_AWAY]),
        POST={
            MOVE_HERE: signed_in(
                403, staff=302, coordinator=302, administrator=302, other_staff=403
            ),
            MOVE_AWAY: signed_in(403, other_staff=302, administrator=302),
        },
    ),
    "orgs:moderate_claim": Url(
        kwargs=pk,
        data={"decision": "approve"},
        GET=post_only([CLAIM, STAFFS_OWN_CLAIM]),
        POST={
            CLAIM: DECIDED,
            # Nobody decides their own claim.
            STAFFS_OWN_CLAIM: signed_in(
                403, other_staff=404, staff=403, coordinator=302, administrator=302
            ),
        },
    ),
    "orgs:privacy": Url(GET=PUBLIC),
    # checklists
    "checklists:about": Url(GET=PUBLIC),
    "checklists:list": Url(GET=SIGNED_IN),
    "checklists:new": Url(GET=STARTERS, POST=STARTERS),
    "checklists:blank_form_pdf": Url(
        kwargs=lambda form: {"form": form},
        GET={COMMUNITY_FORM: everybody(200), UNKNOWN_FORM: everybody(404)},
    ),
    "checklists:roadmap": Url(kwargs=pk, GET=ROADMAP_READERS),
    # Marking as completed a roadmap with open checkpoints lists them (200).
    "checklists:check": Url(kwargs=pk, GET=ROADMAP_READERS, POST=roadmap_writers(200)),
    "checklists:pdf": Url(kwargs=pk, GET=ROADMAP_READERS),
    # A short roadmap's PDF is printed at once: its readers are sent to it. (A long one's
    # page, GET 200 and POST 302, is in tests/checklists/test_pdf_background.py.)
    "checklists:pdf_status": Url(
        kwargs=pk, GET=sent_on(ROADMAP_READERS), POST=sent_on(ROADMAP_READERS)
    ),
    "checklists:reopen": Url(
        kwargs=pk,
        GET=post_only(roadmap_writers(302, completed=302)),
        POST=roadmap_writers(302, completed=302),
    ),
    # Only a community organization's roadmap is shared.
    "checklists:share": Url(
        kwargs=pk,
        GET=roadmap_writers(200) | {MUNICIPAL_ROADMAP: signed_in(404)},
        POST=roadmap_writers(200) | {MUNICIPAL_ROADMAP: signed_in(404)},
    ),
    "checklists:unshare": Url(
        kwargs=share_of,
        GET=post_only(roadmap_writers(302)),
        # A municipality's roadmap is never shared: nothing to stop (as checklists:share).
        POST=roadmap_writers(302) | {MUNICIPAL_ROADMAP: signed_in(404)},
    ),
    # Moving to a newer version: the cast's roadmaps are on the newest one already, so its
    # writers are sent back to the roadmap (the page itself: tests/checklists/test_upgrade.py).
    "checklists:upgrade": Url(
        kwargs=pk,
        GET=roadmap_writers(302, completed=403),
        POST=roadmap_writers(302, completed=403),
    ),
    # A completed roadmap is reopened before it changes.
    "checklists:checkpoint": Url(
        kwargs=checkpoint, GET=ROADMAP_READERS, POST=roadmap_writers(200, completed=403)
    ),
    "checklists:autosave": Url(
        kwargs=checkpoint,
        GET=post_only(roadmap_writers(400, completed=403)),
        POST=roadmap_writers(400, completed=403),
    ),
    "checklists:history": Url(kwargs=checkpoint, GET=ROADMAP_READERS),
    # actionplans
    "actionplans:list": Url(GET=SIGNED_IN, POST=signed_in(405)),
    "actionplans:partnership": Url(
        kwargs=pk, GET=PARTNERSHIP_MEMBERS, POST={PARTNERSHIP: signed_in(405)}
    ),
    # Anyone who works for a municipality starts one (for it); the empty POST: the errors.
    "actionplans:new": Url(GET=STARTERS_OF_PARTNERSHIPS, POST=STARTERS_OF_PARTNERSHIPS),
    # Whoever reads a completed roadmap starts from it; one still in progress says why not.
    "actionplans:new_from_roadmap": Url(
        kwargs=pk,
        GET={
            COMPLETED_ROADMAP: signed_in(404, representative=200),
            MUNICIPAL_ROADMAP: signed_in(404, staff=403, coordinator=403),
            SHARED_ROADMAP: signed_in(404, representative=403, coordinator=403),
        },
        POST={
            COMPLETED_ROADMAP: signed_in(404, representative=302),
            MUNICIPAL_ROADMAP: signed_in(404, staff=403, coordinator=403),
        },
    ),
    "actionplans:details": Url(kwargs=pk, GET=PARTNERSHIP_MEMBERS, POST=PARTNERSHIP_MEMBERS),
    "actionplans:partners": Url(kwargs=pk, GET=PARTNERSHIP_MEMBERS, POST=PARTNERSHIP_MEMBERS),
    # Not built yet (issue 11 in progress): each part replaces its rows.
    # Anyone reads the public partnerships.
    "actionplans:public_list": Url(GET=PUBLIC, POST=everybody(405)),
    "actionplans:actions": Url(
        kwargs=pk,
        GET=PARTNERSHIP_MEMBERS,
        POST=sent_on(PARTNERSHIP_MEMBERS),
        data=lambda p: plan_saved("actions", p.actions_version, activity="Tikšanās", status="done"),
    ),
    "actionplans:actions_csv": Url(
        kwargs=pk, GET=PARTNERSHIP_MEMBERS, POST={PARTNERSHIP: signed_in(405)}
    ),
    "actionplans:actions_xlsx": Url(
        kwargs=pk, GET=PARTNERSHIP_MEMBERS, POST={PARTNERSHIP: signed_in(405)}
    ),
    "actionplans:communications": Url(
        kwargs=pk,
        GET=PARTNERSHIP_MEMBERS,
        POST=sent_on(PARTNERSHIP_MEMBERS),
        data=lambda p: plan_saved(
            "communications", p.communications_version, subject="Jaunumi", audience="Vecāki"
        ),
    ),
    "actionplans:calendar": Url(
        kwargs=pk, GET=PARTNERSHIP_MEMBERS, POST=sent_on(PARTNERSHIP_MEMBERS)
    ),
    # No sign-in: the key in the address is the secret.
    "actionplans:calendar_feed": Url(
        kwargs=lambda p: {"key": p.calendar_key},
        GET={PARTNERSHIP: everybody(200)},
        POST={PARTNERSHIP: everybody(405)},
    ),
    # Members check; signers sign (the empty POST: the form and its errors).
    "actionplans:check": Url(kwargs=pk, GET=PARTNERSHIP_MEMBERS, POST=PARTNERSHIP_SIGNERS),
    "actionplans:revisions": Url(
        kwargs=pk,
        GET={PARTNERSHIP: PARTNERSHIP_MEMBER_ROW, SIGNED_PARTNERSHIP: PARTNERSHIP_MEMBER_ROW},
    ),
    "actionplans:compare": Url(
        kwargs=pk,
        GET={PARTNERSHIP: PARTNERSHIP_MEMBER_ROW, SIGNED_PARTNERSHIP: PARTNERSHIP_MEMBER_ROW},
    ),
    # A revision that does not exist (the unsigned partnership has none) is 404 for all.
    "actionplans:revision": Url(
        kwargs=revision_of,
        GET={SIGNED_PARTNERSHIP: PARTNERSHIP_MEMBER_ROW, PARTNERSHIP: signed_in(404)},
    ),
    # The kept PDF (or the page that says it is being made) for members; a failed one is
    # asked for again with POST. Anyone reads it once the partnership is public.
    "actionplans:revision_pdf": Url(
        kwargs=revision_of,
        GET={
            SIGNED_PARTNERSHIP: signed_in(404, representative=200, staff=200, coordinator=200),
            PUBLIC_PARTNERSHIP: everybody(200),
        },
        POST={SIGNED_PARTNERSHIP: signed_in(404, representative=302, staff=302, coordinator=302)},
    ),
    # Members read who agreed; signers agree or withdraw (empty POST: the form's errors).
    "actionplans:publication": Url(
        kwargs=pk,
        GET=PARTNERSHIP_MEMBERS,
        POST={
            PARTNERSHIP: PARTNERSHIP_SIGNERS[PARTNERSHIP],
            SIGNED_PARTNERSHIP: PARTNERSHIP_SIGNERS[PARTNERSHIP],
        },
    ),
    # Public only when every signing party agreed and a revision is signed.
    "actionplans:public": Url(
        kwargs=pk,
        GET={
            PARTNERSHIP: everybody(404),
            SIGNED_PARTNERSHIP: everybody(404),
            PUBLIC_PARTNERSHIP: everybody(200),
        },
    ),
    "actionplans:verify": Url(
        kwargs=lambda p: {"code": p.revisions.get().verification_code},
        GET={SIGNED_PARTNERSHIP: everybody(200)},
        POST={SIGNED_PARTNERSHIP: everybody(405)},
    ),
    # evaluation: each part replaces its rows (everybody 404 until it is built)
    # The evaluation's home page: its members; nobody posts to it.
    "evaluation:dashboard": Url(
        kwargs=evaluation_kwargs(),
        GET={EVALUATION: signed_in(404, representative=200, staff=200, coordinator=200)},
        POST={EVALUATION: signed_in(405)},
    ),
    "evaluation:stages": Url(
        kwargs=evaluation_kwargs(), GET=EVALUATION_MEMBERS, POST={EVALUATION: signed_in(405)}
    ),
    # An empty form: its errors, shown to members.
    "evaluation:stage_new": Url(
        kwargs=evaluation_kwargs(), GET=EVALUATION_MEMBERS, POST=EVALUATION_MEMBERS
    ),
    "evaluation:stage": Url(
        kwargs=evaluation_kwargs("stage"), GET=EVALUATION_MEMBERS, POST=EVALUATION_MEMBERS
    ),
    # The confirmation page; its button removes the stage and goes back to the list.
    "evaluation:stage_delete": Url(
        kwargs=evaluation_kwargs("stage"),
        GET=EVALUATION_MEMBERS,
        POST=sent_on(EVALUATION_MEMBERS),
    ),
    # KPIs and measurements: every member reads, plans and enters (an empty POST: the
    # form's errors); a measurement is changed or withdrawn by a member of the party it was
    # entered for, and decided by a member of another party who did not enter it.
    "evaluation:kpis": Url(
        kwargs=evaluation_kwargs(),
        GET=EVALUATION_MEMBERS,
        POST={EVALUATION: signed_in(405)},
    ),
    "evaluation:kpi_new": Url(
        kwargs=evaluation_kwargs(),
        GET=EVALUATION_MEMBERS,
        POST=EVALUATION_MEMBERS,
    ),
    "evaluation:kpi": Url(
        kwargs=evaluation_kwargs("kpi"),
        GET=EVALUATION_MEMBERS,
        POST={EVALUATION: signed_in(405)},
    ),
    "evaluation:kpi_edit": Url(
        kwargs=evaluation_kwargs("kpi"),
        GET=EVALUATION_MEMBERS,
        POST=EVALUATION_MEMBERS,
    ),
    # Removed by the POST (its measurements are not approved).
    "evaluation:kpi_delete": Url(
        kwargs=evaluation_kwargs("kpi"),
        GET=EVALUATION_MEMBERS,
        POST=sent_on(EVALUATION_MEMBERS),
    ),
    "evaluation:measurement_new": Url(
        kwargs=evaluation_kwargs("kpi"),
        GET=EVALUATION_MEMBERS,
        POST=EVALUATION_MEMBERS,
    ),
    "evaluation:measurement": Url(
        kwargs=evaluation_kwargs("measurement"),
        GET=MEASUREMENT_CHANGERS,
        POST=MEASUREMENT_CHANGERS,
    ),
    "evaluation:measurement_withdraw": Url(
        kwargs=evaluation_kwargs("measurement"),
        GET=MEASUREMENT_CHANGERS,
        POST=sent_on(MEASUREMENT_CHANGERS),
    ),
    "evaluation:measurement_review": Url(
        kwargs=evaluation_kwargs("measurement"),
        GET=MEASUREMENT_REVIEWERS,
        POST=MEASUREMENT_REVIEWERS,
    ),
    "evaluation:evidence_list": Url(
        kwargs=evaluation_kwargs(), GET=EVALUATION_MEMBERS, POST={EVALUATION: signed_in(405)}
    ),
    "evaluation:evidence_new": Url(
        kwargs=evaluation_kwargs(), GET=EVALUATION_MEMBERS, POST=EVALUATION_MEMBERS
    ),
    "evaluation:evidence": Url(
        kwargs=evaluation_kwargs("evidence"), GET=EVALUATION_MEMBERS, POST=EVALUATION_MEMBERS
    ),
    "evaluation:evidence_delete": Url(
        kwargs=evaluation_kwargs("evidence"),
        GET=EVALUATION_MEMBERS,
        POST=sent_on(EVALUATION_MEMBERS),
    ),
    # The file, to members only.
    "evaluation:evidence_file": Url(
        kwargs=evaluation_kwargs("evidence"),
        GET=EVALUATION_MEMBERS,
        POST={EVALUATION: signed_in(405)},
    ),
    # The evaluation's documents: members read them (exports, the report, its PDF).
    **{
        f"evaluation:{name}": Url(
            kwargs=evaluation_kwargs(),
            GET={EVALUATION: PARTNERSHIP_MEMBER_ROW},
            POST={EVALUATION: signed_in(405)},
        )
        for name in (
            "kpis_csv",
            "kpis_xlsx",
            "measurements_csv",
            "measurements_xlsx",
            "report",
            "report_pdf",
        )
    },
    # A small report's PDF is printed at once: its members are sent to it, asking (POST) or
    # not. (A large one's page, GET 200 and POST 302, is in
    # tests/evaluation/test_report_pdf_background.py.)
    "evaluation:report_pdf_status": Url(
        kwargs=evaluation_kwargs(),
        GET=sent_on(EVALUATION_MEMBERS),
        POST=sent_on(EVALUATION_MEMBERS),
    ),
    # Across Talsi's partnerships: its staff and coordinators only.
    "evaluation:municipality": Url(
        kwargs=lambda m: {"slug": m.slug},
        GET={MUNICIPALITY: signed_in(404, staff=200, coordinator=200)},
        POST={MUNICIPALITY: signed_in(405)},
    ),
}

# Rows for what the URL patterns do not serve.
NOT_URL_PATTERNS = {"static", "media"}

PATTERNS = url_patterns()
PATTERNS_BY_NAME = {pattern.name: pattern for pattern in PATTERNS if pattern.name}


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    """Built once for the module; each test's own writes are rolled back after it, and the
    cast after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_cast()
        transaction.set_rollback(True)


def matrix_cases():
    for name, url in MATRIX.items():
        for method, case, row in url.rows():
            for role in ROLES:
                expected, marks = row[role], ()
                if isinstance(expected, Xfail):
                    marks = pytest.mark.xfail(strict=True, reason=expected.reason)
                    expected = expected.expected
                yield pytest.param(
                    name,
                    case,
                    method,
                    role,
                    expected,
                    marks=marks,
                    id=f"{name}|{case}|{method}|{role}",
                )


@pytest.mark.parametrize(("name", "case", "method", "role", "expected"), list(matrix_cases()))
def test_each_role_gets_the_answer_the_matrix_gives(
    client, cast, name, case, method, role, expected
):
    url = MATRIX[name]
    path = url.path
    obj = cast.object(case, role)
    if path is None:
        kwargs = url.kwargs(obj) if url.kwargs else {}
        path = path_of(PATTERNS_BY_NAME[name], kwargs)
    cast.sign_in(client, cast.user(role, case))
    response = client.get(path) if method == "GET" else client.post(path, url.body(obj))
    if expected == LOGIN:
        assert (response.status_code, response.get("Location")) == (302, login_url(path))
    else:
        assert response.status_code == expected
        if expected == 302:
            assert not response["Location"].startswith(login_url("")), "sent to sign in"


def test_every_url_pattern_has_rows_in_the_matrix():
    unnamed = [p.route for p in PATTERNS if not p.is_admin and p.name is None]
    assert not unnamed, f"URL patterns without a name (name them, then add their rows): {unnamed}"
    missing = sorted(p.name for p in PATTERNS if not p.is_admin and p.name not in MATRIX)
    assert not missing, (
        f"URL patterns with no rows in MATRIX (tests/test_permission_matrix.py): {missing}. "
        "Add, per method and object case, the answer each role should get."
    )


def test_every_row_of_the_matrix_is_a_url_of_the_portal():
    stale = sorted(MATRIX.keys() - PATTERNS_BY_NAME.keys() - NOT_URL_PATTERNS)
    assert not stale, f"MATRIX rows for URL names that do not exist: {stale}"


def test_every_row_names_every_role_and_urls_with_arguments_say_how_to_fill_them():
    for name, url in MATRIX.items():
        assert url.GET or url.POST, name
        for method, case, row in url.rows():
            assert set(row) == set(ROLES), f"{name} {method} {case}: roles {sorted(row)}"
        pattern = PATTERNS_BY_NAME.get(name)
        if pattern is not None:
            assert bool(pattern.kwarg_names) == bool(url.kwargs), (
                f"{name}: its URL takes {pattern.kwarg_names}; Url.kwargs fills them"
            )


# --- Admin: one rule --------------------------------------------------------------------

ADMIN_PATTERNS = [p for p in PATTERNS if p.is_admin]
NOT_SUPERUSERS = [role for role in ROLES if role != "administrator"]


@pytest.mark.parametrize("pattern", ADMIN_PATTERNS, ids=lambda p: p.label)
def test_only_administrators_get_past_the_admin_login(client, cast, pattern):
    path = path_of(pattern, admin_sample_kwargs(pattern))
    if pattern.name == "admin:login":
        expected = (200, None)  # the sign-in form itself
    elif pattern.name == "admin:logout":
        # Nobody is signed in to the admin: sent to its index, which asks to sign in.
        expected = (302, path_of(PATTERNS_BY_NAME["admin:index"], {}))
    else:
        expected = (302, admin_login_url(path))
    answers = {}
    for role in NOT_SUPERUSERS:  # a test per URL, not per role: a hundred URLs, one rule
        client.cookies.clear()
        cast.sign_in(client, cast.users[role])
        response = client.get(path)
        answers[role] = (response.status_code, response.get("Location"))
    wrong = {role: answer for role, answer in answers.items() if answer != expected}
    assert not wrong, f"{path}: expected {expected}, got {wrong}"


ADMIN_PAGES = [
    p
    for p in ADMIN_PATTERNS
    if p.name
    and (
        p.name == "admin:index"
        or p.name.endswith("_changelist")
        # The task worker's results have no sample: tests run tasks inline, unrecorded.
        or (p.name.endswith("_change") and "django_tasks_database" not in p.name)
    )
]


@pytest.mark.parametrize("pattern", ADMIN_PAGES, ids=lambda p: p.label)
def test_administrators_open_the_admin_index_each_list_and_each_sample_object(
    client, cast, pattern
):
    kwargs = admin_sample_kwargs(pattern)
    cast.sign_in(client, cast.users["administrator"])
    response = client.get(path_of(pattern, kwargs))
    assert response.status_code == 200
