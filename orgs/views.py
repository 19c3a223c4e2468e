from django.conf.locale import LANG_INFO
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, get_language_info, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.forms import SignupForm
from roadmap_portal.lib.forms import forms_with_errors
from roadmap_portal.lib.formsets import unbound_copy
from roadmap_portal.lib.history import related_names
from roadmap_portal.lib.http import base_url
from roadmap_portal.lib.jsonld import organization_jsonld
from roadmap_portal.lib.locking import Conflict, VersionForm
from roadmap_portal.lib.pagecache import cached_page
from roadmap_portal.lib.pagination import Page, paginate
from roadmap_portal.lib.ratelimit import (
    client_ip,
    rate_limit_count,
    rate_limit_minutes_left,
    rate_limit_reached,
    rate_limited,
)
from roadmap_portal.lib.replica import reads_from_replica
from roadmap_portal.lib.signing import LinkInvalid

from .access import (
    can_be_written_to,
    can_read_history,
    can_see_private_contact,
    get_claim_for_moderation,
    get_invitation_for_management,
    get_membership_for_management,
    get_moderation_queues,
    get_move_for_moderation,
    get_municipality_for_staff_management,
    get_municipality_for_viewer,
    get_organization_for_contact,
    get_organization_for_edit,
    get_organization_for_history,
    get_organization_for_moderation,
    get_organization_for_viewer,
)
from .forms import (
    ClaimDecisionForm,
    ClaimForm,
    ContactForm,
    DirectoryFilterForm,
    InvitationForm,
    MoveDecisionForm,
    OrganizationForm,
    RegistrationForm,
    RejectionForm,
    ServiceFormSet,
    StaffInvitationForm,
    StaffRoleForm,
    services_from,
)
from .models import (
    MunicipalityMembership,
    Organization,
    OrganizationClaim,
    OrganizationMove,
    StaffChange,
)
from .profile import entry_profile
from .search import (
    PAGE_SIZE,
    directory_search,
    first_working_in,
    similar_organizations,
)
from .services import (
    CLAIMS_PER_DAY,
    AlreadyDecided,
    MoveRefused,
    RevertRefused,
    StaffChangeRefused,
    StaffInvitationForAnotherAddress,
    TooManyClaims,
    claim_approve,
    claim_create,
    claim_reject,
    invitation_accept,
    invitation_read,
    later_changes_of_the_same_fields,
    move_approve,
    move_reject,
    open_staff_invitations,
    organization_approve,
    organization_change_revert,
    organization_confirm_still_correct,
    organization_contact_send,
    organization_for_still_correct,
    organization_register,
    organization_reject,
    organization_snapshot,
    organization_update,
    pending_move,
    representative_invite,
    representatives_of,
    revert_problems,
    revert_values,
    staff_invitation_accept,
    staff_invitation_read,
    staff_invitation_withdraw,
    staff_invite,
    staff_remove,
    staff_role_change,
)


@require_safe
@cached_page
@reads_from_replica
def directory(request):
    form = DirectoryFilterForm.of_request(request)
    result = directory_search(form.directory_query())
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    # The search pages itself (one statement: orgs/search/directory.py); its links are
    # every list's (roadmap_portal/lib/pagination.py).
    page = Page(
        items=result.organizations,
        number=result.page,
        per_page=PAGE_SIZE,
        has_next=result.has_next,
        # What can be paged through: every match, the sample, or the first in order.
        count=result.listed,
        count_is_capped=False,
        query=request.GET,
    )
    return render(
        request,
        "orgs/directory.html",
        {
            "form": form,
            "result": result,
            "page": page,
            "query_without_page": query_without_page.urlencode(),
        },
    )


@require_safe
@cached_page(entry="slug")
@reads_from_replica
def organization_detail(request, slug):
    organization = get_organization_for_viewer(request.user, slug)
    profile = entry_profile(organization)
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "organization": organization,
            "profile": profile,
            "jsonld": organization_jsonld(organization, profile, request),
            "is_stale": organization.is_public and organization.is_stale(),
            "can_edit": organization.can_edit,
            "can_moderate": organization.can_moderate,
            "can_read_history": can_read_history(request.user, organization),
            "sees_private_contact": can_see_private_contact(request.user, organization),
            "can_write_to": can_be_written_to(organization),
            "working_languages": [
                get_language_info(code)["name_translated"]
                for code in organization.languages
                if code in LANG_INFO
            ],
        },
    )


@require_safe
@cached_page
@reads_from_replica
def municipality_detail(request, slug):
    municipality = get_municipality_for_viewer(request.user, slug)
    working_here, more_work_here = first_working_in(municipality)
    return render(
        request,
        "orgs/municipality_detail.html",
        {
            "municipality": municipality,
            "departments": municipality.departments.all(),
            "working_here": working_here,
            "more_work_here": more_work_here,
            "manages_staff": municipality.may_manage_staff,
        },
    )


# --- A municipality's staff accounts ----------------------------------------------------

STAFF_HISTORY_SHOWN = 20
# Invitations one person sends, to represent an entry and to a municipality's staff together.
INVITATIONS_PER_PERSON_PER_HOUR = 20


def _too_many_invitations(user) -> bool:
    """Count one more invitation by this person; True when it is over the limit."""
    return rate_limited(
        f"invite:{user.pk}", limit=INVITATIONS_PER_PERSON_PER_HOUR, window_seconds=3600
    )


@login_required
@require_safe
def staff(request, slug):
    municipality = get_municipality_for_staff_management(request.user, slug)
    members = municipality.memberships.select_related("user").order_by(
        "role", "user__full_name", "user__email"
    )
    changes = paginate(
        request,
        StaffChange.objects.filter(municipality=municipality).select_related("actor", "person"),
        per_page=STAFF_HISTORY_SHOWN,
        param="changes",
    )
    return render(
        request,
        "orgs/staff.html",
        {
            "municipality": municipality,
            "members": members,
            "invitations": open_staff_invitations(municipality),
            "changes": changes,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_invite_form(request, slug):
    municipality = get_municipality_for_staff_management(request.user, slug)
    form = StaffInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _too_many_invitations(request.user):
            form.add_error(None, _("Too many invitations. Try again in an hour."))
        else:
            try:
                staff_invite(
                    municipality=municipality,
                    inviter=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    language=get_language(),
                    base_url=base_url(request),
                )
            except StaffChangeRefused as error:
                form.add_error("email", error.message)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("orgs:staff", slug=municipality.slug)
    return render(request, "orgs/staff_invite.html", {"municipality": municipality, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def staff_role(request, slug, pk):
    membership = get_membership_for_management(request.user, slug, pk)
    form = StaffRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            staff_role_change(
                membership=membership, role=form.cleaned_data["role"], actor=request.user
            )
        except StaffChangeRefused as error:
            form.add_error("role", error.message)
        else:
            messages.success(
                request,
                _("%(name)s is now: %(role)s.")
                % {
                    "name": membership.user.get_full_name(),
                    "role": MunicipalityMembership.Role(form.cleaned_data["role"]).label,
                },
            )
            return redirect("orgs:staff", slug=membership.municipality.slug)
    return render(
        request,
        "orgs/staff_role.html",
        {
            "municipality": membership.municipality,
            "membership": membership,
            "form": form,
            "own": membership.user_id == request.user.pk,
        },
    )


@require_POST
@login_required
def staff_invitation_withdraw_view(request, slug, pk):
    invitation = get_invitation_for_management(request.user, slug, pk)
    try:
        staff_invitation_withdraw(invitation=invitation, actor=request.user)
    except StaffChangeRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is withdrawn: its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("orgs:staff", slug=invitation.municipality.slug)


@login_required
@require_http_methods(["GET", "POST"])
def staff_remove_confirm(request, slug, pk):
    """A page that says what removing does, then the button (GOV.UK: confirm first)."""
    membership = get_membership_for_management(request.user, slug, pk)
    refusal = None
    if request.method == "POST":
        try:
            staff_remove(membership=membership, actor=request.user)
        except StaffChangeRefused as error:
            refusal = error.message
        else:
            messages.success(
                request,
                _("%(name)s no longer works for %(municipality)s.")
                % {
                    "name": membership.user.get_full_name(),
                    "municipality": membership.municipality.name,
                },
            )
            if membership.user_id == request.user.pk:
                return redirect("my_work")
            return redirect("orgs:staff", slug=membership.municipality.slug)
    return render(
        request,
        "orgs/staff_remove.html",
        {
            "municipality": membership.municipality,
            "membership": membership,
            "refusal": refusal,
            "page_has_errors": refusal is not None,
            "own": membership.user_id == request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
def staff_invitation(request, token):
    try:
        invitation = staff_invitation_read(token=token)
    except LinkInvalid:
        hint = _(
            "The link is incomplete, more than 14 days old, or already used. Ask the"
            " coordinator who invited you to send a new invitation."
        )
        return render(request, "link_invalid.html", {"hint": hint}, status=400)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            staff_invitation_accept(token=token, user=request.user)
        except LinkInvalid:
            return redirect(request.get_full_path())  # used in between: the page says so
        except StaffInvitationForAnotherAddress:
            messages.error(
                request,
                _("This invitation is for %(email)s. Sign in with that address to accept it.")
                % {"email": invitation.email},
            )
        except StaffChangeRefused as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("You now work for %(municipality)s as: %(role)s.")
                % {
                    "municipality": invitation.municipality.name,
                    "role": invitation.get_role_display(),
                },
            )
            return redirect("my_work")
    return render(request, "orgs/staff_invitation.html", {"invitation": invitation})


def _registration_context(form, signup_form, services, duplicates):
    errors = forms_with_errors(form, signup_form, services)
    return {
        "form": form,
        "signup_form": signup_form,
        "services": services,
        "duplicates": duplicates,
        "errors": errors,
        "page_has_errors": bool(errors),
        "privacy_url": reverse("orgs:privacy"),
    }


# A workshop registers a dozen organizations from one municipal network within an hour.
REGISTRATIONS_PER_CLIENT_ADDRESS_PER_HOUR = 30
# An address that already has an account gets an e-mail at each attempt: a few at most.
REGISTRATIONS_PER_EMAIL_PER_HOUR = 5


def _registration_limits(request, email):
    """(counter, limit) of each limit a registration counts against."""
    return [
        (f"register:ip:{client_ip(request)}", REGISTRATIONS_PER_CLIENT_ADDRESS_PER_HOUR),
        (f"register:email:{email.lower()}", REGISTRATIONS_PER_EMAIL_PER_HOUR),
    ]


@require_http_methods(["GET", "POST"])
def register(request):
    """The public "register your organization" form."""
    anonymous = not request.user.is_authenticated
    data = request.POST if request.method == "POST" else None
    form = RegistrationForm(data)
    signup_form = SignupForm(data, prefix="account") if anonymous else None
    services = ServiceFormSet(data, prefix="services")
    duplicates = []
    changed_services = ServiceFormSet.with_row_action(request.POST, prefix="services")
    if changed_services is not None:  # a row's button: the page again, nothing saved
        form = unbound_copy(RegistrationForm, request.POST)
        signup_form = (
            unbound_copy(SignupForm, request.POST, prefix="account") if anonymous else None
        )
        services = changed_services
    elif request.method == "POST":
        if form.data.get("fax"):
            # A robot filled the hidden field: look successful, store nothing.
            return redirect("orgs:registration_received")
        valid = all(
            [form.is_valid(), services.is_valid(), signup_form is None or signup_form.is_valid()]
        )
        if valid:
            same_number = form.same_registration_number()
            duplicates = ([same_number] if same_number else []) + [
                o
                for o in similar_organizations(
                    name=form.cleaned_data["name"],
                    municipality_id=form.cleaned_data["home_municipality"].pk,
                )
                if o != same_number
            ]
            if same_number:
                form.add_error(
                    "registration_number",
                    _(
                        "An organization with this registration number is already listed."
                        " Claim it instead."
                    ),
                )
                valid = False
            elif duplicates and not form.cleaned_data["not_a_duplicate"]:
                valid = False
        if valid:
            email = signup_form.cleaned_data["email"] if anonymous else request.user.email
            limits = _registration_limits(request, email)
            if any(rate_limit_reached(key, limit=n, window_seconds=3600) for key, n in limits):
                messages.error(request, _("Too many registrations. Try again in an hour."))
                return render(
                    request,
                    "orgs/register.html",
                    _registration_context(form, signup_form, services, duplicates),
                    status=429,
                )
            new_account = None
            if anonymous:
                new_account = {
                    "email": email,
                    "full_name": signup_form.cleaned_data["full_name"],
                    "password": signup_form.cleaned_data["password1"],
                    "language": get_language(),
                }
            # None when the address already has an account: the same answer either way.
            organization_register(
                values=form.values() | {"services": services_from(services)},
                representative=None if anonymous else request.user,
                new_account=new_account,
                base_url=base_url(request),
            )
            # Counted once it is made: form mistakes and failures count against nothing.
            for key, _limit in limits:
                rate_limit_count(key, window_seconds=3600)
            return redirect("orgs:registration_received")
    return render(
        request,
        "orgs/register.html",
        _registration_context(form, signup_form, services, duplicates),
    )


# Messages through the contact forms, counted when sent: a person writes to a few
# organizations, a workshop's network to a dozen; an organization's inbox is not flooded.
CONTACT_MESSAGES_PER_NETWORK_PER_HOUR = 20
CONTACT_MESSAGES_PER_ORGANIZATION_PER_DAY = 30
DAY = 24 * 3600


@require_http_methods(["GET", "POST"])
def contact(request, slug):
    """Anyone writes to a published entry; the e-mail goes out, its address stays hidden."""
    organization = get_organization_for_contact(slug)
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.full_name, "email": request.user.email}
    form = ContactForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.data.get("fax"):
        # A robot filled the hidden field: look successful, send nothing.
        return redirect("orgs:contact_sent", slug=organization.slug)
    if request.method == "POST" and form.is_valid():
        network = f"contact:network:{client_ip(request)}"
        inbox = f"contact:organization:{organization.pk}"
        if rate_limit_reached(
            network, limit=CONTACT_MESSAGES_PER_NETWORK_PER_HOUR, window_seconds=3600
        ):
            minutes = rate_limit_minutes_left(window_seconds=3600)
            form.add_error(
                None,
                ngettext(
                    "Too many messages from your network. Try again in %(minutes)s minute.",
                    "Too many messages from your network. Try again in %(minutes)s minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            status = 429
        elif rate_limit_reached(
            inbox, limit=CONTACT_MESSAGES_PER_ORGANIZATION_PER_DAY, window_seconds=DAY
        ):
            form.add_error(
                None,
                _(
                    "This organization has received as many messages today as the portal "
                    "sends it in a day. Try again tomorrow."
                ),
            )
            status = 429
        else:
            organization_contact_send(
                organization=organization,
                sender_name=form.cleaned_data["name"],
                sender_email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
                language=get_language(),
            )
            rate_limit_count(network, window_seconds=3600)
            rate_limit_count(inbox, window_seconds=DAY)
            return redirect("orgs:contact_sent", slug=organization.slug)
    return render(
        request, "orgs/contact.html", {"organization": organization, "form": form}, status=status
    )


@require_safe
def contact_sent(request, slug):
    organization = get_organization_for_contact(slug)
    return render(request, "orgs/contact_sent.html", {"organization": organization})


def registration_received(request):
    return render(request, "orgs/registration_received.html")


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, slug):
    organization = get_organization_for_viewer(request.user, slug)
    if organization.viewer_represents:
        messages.info(request, _("You already represent this organization."))
        return redirect(organization)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _claim, created = claim_create(
                organization=organization,
                user=request.user,
                message=form.cleaned_data["message"],
                base_url=base_url(request),
            )
        except TooManyClaims:
            form.add_error(
                None,
                _(
                    "You have sent %(count)s claims today, as many as one person may send"
                    " in a day. Try again tomorrow."
                )
                % {"count": CLAIMS_PER_DAY},
            )
            context = {"organization": organization, "form": form}
            return render(request, "orgs/claim.html", context, status=429)
        if created:
            messages.success(
                request,
                _("Thank you. Staff of the municipality will check your claim and tell you."),
            )
        else:
            messages.info(
                request,
                _(
                    "You have already claimed this organization. Staff of the municipality"
                    " will tell you when they have decided."
                ),
            )
        return redirect(organization)
    return render(request, "orgs/claim.html", {"organization": organization, "form": form})


def _decision_form(form_class, request_object, data=None):
    # Ids per request: the queue shows several forms with the same fields.
    return form_class(data, auto_id=f"{form_class.__name__.lower()}-{request_object.pk}-%s")


def _moderation_page(request, *, sent=None):
    """The queue, each list paged on its own (?entries= ?claims= ?moves=); `sent` is
    (request, form) of a decision just sent back with mistakes, shown on the page whichever
    page it was on."""
    sent_object, sent_form = sent or (None, None)
    queues = get_moderation_queues(request.user)
    entries = paginate(
        request,
        queues.entries.select_related("home_municipality").order_by("created_at", "id"),
        param="entries",
    )
    claims = paginate(
        request,
        queues.claims.select_related("organization", "user").order_by("created_at", "id"),
        param="claims",
    )
    moves = paginate(
        request,
        queues.moves.select_related(
            "organization", "from_municipality", "to_municipality", "requested_by"
        ).order_by("created_at", "id"),
        param="moves",
    )
    decided = (
        (claims, OrganizationClaim, ClaimDecisionForm),
        (moves, OrganizationMove, MoveDecisionForm),
    )
    for page, model, form_class in decided:
        if isinstance(sent_object, model) and sent_object not in page.items:
            # The form sent back goes first: its errors are on this page whatever page it
            # was on (its form's address has no page number).
            page.items.insert(0, sent_object)
        for item in page:
            item.form = sent_form if item == sent_object else _decision_form(form_class, item)
    errors = forms_with_errors(sent_form)
    return render(
        request,
        "orgs/moderation.html",
        {
            "entries": entries,
            "claims": claims,
            "moves": moves,
            "errors": errors,
            "page_has_errors": bool(errors),
        },
    )


@login_required
@require_safe
def moderation(request):
    return _moderation_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def moderate(request, pk):
    organization = get_organization_for_moderation(request.user, pk)
    rejection_form = RejectionForm(
        request.POST if request.POST.get("decision") == "reject" else None
    )
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                organization_approve(
                    organization=organization, actor=request.user, base_url=base_url(request)
                )
                messages.success(request, _("Published. The representatives have been told."))
                return redirect("orgs:moderation")
            if decision == "reject" and rejection_form.is_valid():
                organization_reject(
                    organization=organization,
                    actor=request.user,
                    reason=rejection_form.cleaned_data["reason"],
                )
                messages.success(request, _("Rejected. The representatives have been told why."))
                return redirect("orgs:moderation")
        except AlreadyDecided:
            messages.error(request, _("Someone else has already decided on this entry."))
            return redirect("orgs:moderation")
    return render(
        request,
        "orgs/moderate.html",
        {
            "organization": organization,
            "representatives": representatives_of(organization),
            "rejection_form": rejection_form,
            "form": rejection_form,
            "duplicates": similar_organizations(
                name=organization.name,
                municipality_id=organization.home_municipality_id,
                exclude_pk=organization.pk,
            ),
        },
    )


@require_POST
@login_required
def moderate_claim(request, pk):
    claim = get_claim_for_moderation(request.user, pk)
    form = _decision_form(ClaimDecisionForm, claim, request.POST)
    if not form.is_valid():
        return _moderation_page(request, sent=(claim, form))
    try:
        if form.approves:
            claim_approve(claim=claim, actor=request.user, base_url=base_url(request))
            messages.success(
                request, _("Claim approved: the person now represents the organization.")
            )
        else:
            claim_reject(claim=claim, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Claim rejected."))
    except AlreadyDecided:
        messages.error(request, _("Someone else has already decided on this claim."))
    return redirect("orgs:moderation")


@require_POST
@login_required
def moderate_move(request, pk):
    """Staff of the municipality an entry asks to move to approve or reject the move."""
    move = get_move_for_moderation(request.user, pk)
    form = _decision_form(MoveDecisionForm, move, request.POST)
    if not form.is_valid():
        return _moderation_page(request, sent=(move, form))
    try:
        if form.approves:
            move_approve(move=move, actor=request.user, base_url=base_url(request))
            messages.success(
                request,
                _("Move approved: %(name)s now belongs to %(municipality)s.")
                % {"name": move.organization.name, "municipality": move.to_municipality.name},
            )
        else:
            move_reject(
                move=move,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                base_url=base_url(request),
            )
            messages.success(request, _("Move rejected. Both municipalities have been told."))
    except AlreadyDecided:
        messages.error(request, _("Someone else has already decided on this move."))
    except MoveRefused as error:
        messages.error(
            request,
            _(
                "Another organization of that country already has the registration number"
                " %(number)s: the move cannot be approved as it stands."
            )
            % {"number": error.args[0]},
        )
    return redirect("orgs:moderation")


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    organization = get_organization_for_edit(request.user, slug)
    conflict = None
    changed_services = ServiceFormSet.with_row_action(request.POST, prefix="services")
    if changed_services is not None:  # a row's button: the page again, nothing saved
        form = unbound_copy(OrganizationForm, request.POST, instance=organization)
        services = changed_services
        version = unbound_copy(VersionForm, request.POST)
    elif request.method == "POST":
        form = OrganizationForm(request.POST, instance=organization)
        services = ServiceFormSet(request.POST, prefix="services")
        version = VersionForm(request.POST)
        if all([form.is_valid(), services.is_valid(), version.is_valid()]):
            same_number = form.same_registration_number()
            if same_number:
                form.add_error(
                    "registration_number",
                    _("Another organization of this country already has this registration number."),
                )
            else:
                try:
                    result = organization_update(
                        organization=organization,
                        values=form.values() | {"services": services_from(services)},
                        actor=request.user,
                        version=version.cleaned_data["version"],
                        base_url=base_url(request),
                    )
                except Conflict as error:
                    conflict = error.current
                else:
                    if result.move:
                        messages.success(
                            request,
                            _(
                                "Saved. Moving the entry to %(to)s waits for the approval of"
                                " its staff; until then it stays with %(from)s."
                            )
                            % {
                                "to": result.move.to_municipality.name,
                                "from": result.move.from_municipality.name,
                            },
                        )
                    else:
                        messages.success(request, _("Saved. The changes are live."))
                    return redirect(organization)
    else:
        move = pending_move(organization)
        # A move waiting for approval shows as the representative's choice, so saving the
        # form again keeps the request instead of withdrawing it. Not for administrators,
        # who move at once: their saving the form must not make the move.
        initial = {}
        if move and not request.user.is_superuser:
            initial = {"home_municipality": move.to_municipality_id}
        form = OrganizationForm(instance=organization, initial=initial)
        version = VersionForm(initial={"version": organization.version})
        services = ServiceFormSet(
            prefix="services",
            initial=[
                {"name": s.name, "description": s.description} for s in organization.services.all()
            ],
        )
    return render(
        request,
        "orgs/edit.html",
        {
            "organization": organization,
            "form": form,
            "services": services,
            # The version the editor started from, until they have seen the newer one.
            "version": VersionForm(initial={"version": conflict.version}) if conflict else version,
            "conflict": conflict,
            "pending_move": pending_move(organization),
            "errors": forms_with_errors(version, form, services),
            "page_has_errors": bool(forms_with_errors(version, form, services)),
        },
    )


@login_required
@require_safe
def history(request, slug):
    organization = get_organization_for_history(request.user, slug)
    changes = paginate(
        request,
        organization.changes.select_related("actor", "import_record__created_by").defer(
            "import_record__content", "import_record__report"
        ),
    )
    return render(
        request,
        "orgs/history.html",
        {
            "organization": organization,
            "changes": changes,
            # The names of the municipalities, taxonomy entries... the values hold, at once.
            "names": related_names(Organization, (change.fields for change in changes)),
            "can_revert": organization.can_revert,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def revert(request, slug, change_id):
    """A page that shows what reverting a change would put back and what it would undo of
    later changes, then the revert; refused if the entry changed in between."""
    organization = get_organization_for_history(request.user, slug, write=True)
    change = get_object_or_404(organization.changes.select_related("actor"), pk=change_id)
    if not change.can_be_reverted:
        messages.error(request, _("Only edits can be reverted."))
        return redirect("orgs:history", slug=organization.slug)
    conflict, problems = False, None
    if request.method == "POST":
        form = VersionForm(request.POST)
        if not form.is_valid():
            raise SuspiciousOperation("version missing")
        try:
            organization_change_revert(
                change=change, actor=request.user, version=form.cleaned_data["version"]
            )
        except Conflict as error:
            conflict, organization = True, error.current
        except RevertRefused as error:
            problems = error.problems
        else:
            messages.success(request, _("The change has been reverted."))
            return redirect("orgs:history", slug=organization.slug)
    if problems is None:
        problems = revert_problems(change, organization)
    current = organization_snapshot(organization)
    later = later_changes_of_the_same_fields(change)
    values = revert_values(change)
    rows = [
        {
            "field": field,
            "now": current[field],
            "after": value,
            "later": [other for other, fields in later if field in fields],
        }
        for field, value in values.items()
    ]
    return render(
        request,
        "orgs/revert.html",
        {
            "organization": organization,
            "change": change,
            "rows": rows,
            "later": later,
            "kept": [field for field in change.fields if field not in values],
            "form": VersionForm(initial={"version": organization.version}),
            "conflict": conflict,
            "problems": problems,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, slug):
    organization = get_organization_for_edit(request.user, slug)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _too_many_invitations(request.user):
            messages.error(request, _("Too many invitations. Try again in an hour."))
        else:
            representative_invite(
                organization=organization,
                inviter=request.user,
                email=form.cleaned_data["email"],
                language=get_language(),
                base_url=base_url(request),
            )
            messages.success(request, _("Invitation sent."))
            return redirect(organization)
    return render(request, "orgs/invite.html", {"organization": organization, "form": form})


def _link_invalid(request):
    hint = _("The link is incomplete or too old. Sign in and do it from your “My work” page.")
    return render(request, "link_invalid.html", {"hint": hint}, status=400)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    try:
        organization, email = invitation_read(token=token)
    except LinkInvalid:
        return _link_invalid(request)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            invitation_accept(token=token, user=request.user)
        except PermissionError:
            messages.error(
                request,
                _("This invitation is for %(email)s. Sign in with that address to accept it.")
                % {"email": email},
            )
        else:
            messages.success(
                request, _("You now represent %(name)s.") % {"name": organization.name}
            )
            return redirect(organization)
    return render(request, "orgs/invitation.html", {"organization": organization, "email": email})


@require_http_methods(["GET", "POST"])
def still_correct(request, token):
    """One button that confirms an entry is still right (a link alone would be followed
    by mail scanners)."""
    try:
        organization = organization_for_still_correct(token=token)
    except LinkInvalid:
        return _link_invalid(request)
    if request.method == "POST":
        organization_confirm_still_correct(organization=organization)
        messages.success(request, _("Thank you: the entry is marked as up to date."))
        return redirect(organization)
    return render(
        request,
        "orgs/still_correct.html",
        {"organization": organization, "edit_url": reverse("orgs:edit", args=[organization.slug])},
    )


def privacy(request):
    return render(request, "orgs/privacy.html")
