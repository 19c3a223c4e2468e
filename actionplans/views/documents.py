"""The signed PDF of a revision and the public page that verifies one."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_safe

from roadmap_portal.lib.pdf import pdf_response
from roadmap_portal.lib.ratelimit import (
    client_ip,
    rate_limit_count,
    rate_limit_minutes_left,
    rate_limit_reached,
)

from ..access import get_partnership_for_reading, is_public
from ..models import Member, PartnershipRevision, SignedPdf
from ..pdf import pdf_filename
from ..services import signed_pdf_request, signed_pdf_stalled

# Unknown codes one address may try per hour. A code is 10 of 31 symbols (8e14 codes): at
# this rate, guessing one of even a million revisions takes millions of years.
VERIFY_MISSES_PER_HOUR = 30
HOUR = 3600


def _signed_revision(request, pk, number):
    try:
        partnership = get_partnership_for_reading(request.user, pk)
    except Http404:
        if not request.user.is_authenticated:
            # A member who is not signed in yet: the same answer for every address.
            return None, redirect_to_login(request.get_full_path())
        raise
    revision = get_object_or_404(
        partnership.revisions, number=number, status=PartnershipRevision.Status.SIGNED
    )
    revision.partnership = partnership  # with is_member and is_public
    return revision, None


@require_http_methods(["GET", "HEAD", "POST"])
def revision_pdf(request, pk, number):
    """The kept, sealed PDF in the page's language; until the task worker has made it, a
    page that says so and looks again by itself (POST asks again for a failed one)."""
    revision, redirect_response = _signed_revision(request, pk, number)
    if redirect_response:
        return redirect_response
    partnership = revision.partnership
    language = get_language()
    if request.method == "POST":
        signed_pdf_request(revision=revision, language=language)
        return redirect("actionplans:revision_pdf", pk=partnership.pk, number=revision.number)
    pdf = SignedPdf.objects.filter(revision=revision, language=language).defer("content").first()
    if pdf is None:
        pdf = signed_pdf_request(revision=revision, language=language)
    if pdf.status == SignedPdf.Status.READY:
        content = SignedPdf.objects.filter(pk=pdf.pk).values_list("content", flat=True).get()
        return pdf_response(
            bytes(content), filename=pdf_filename(revision), private=not partnership.is_public
        )
    failed = pdf.status == SignedPdf.Status.FAILED or signed_pdf_stalled(pdf)
    response = render(
        request,
        "actionplans/revision_pdf_status.html",
        {"partnership": partnership, "revision": revision, "pdf": pdf, "failed": failed},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def verify(request, code):
    """Anyone: whether this revision was signed and is unchanged. A partnership that is not
    public shows only its number, hash, signing date and the answer; a public one also its
    title and partners. Unknown codes are counted per address, to stop guessing."""
    address = f"verify:{client_ip(request)}"
    if rate_limit_reached(address, limit=VERIFY_MISSES_PER_HOUR, window_seconds=HOUR):
        return render(
            request,
            "actionplans/verify.html",
            {"limited": True, "minutes": rate_limit_minutes_left(window_seconds=HOUR)},
            status=429,
        )
    revision = (
        PartnershipRevision.objects.select_related("partnership__municipality")
        .filter(verification_code=code.strip().lower())
        .first()
    )
    if revision is None:
        rate_limit_count(address, window_seconds=HOUR)
        return render(request, "actionplans/verify.html", {"unknown": True}, status=404)
    signatures = list(revision.signatures.all())
    # Every party the frozen content names signed it: the municipality and each signatory.
    required = {None} | {
        member.get("organization_id")
        for member in revision.content.get("members", [])
        if member.get("role") == Member.Role.SIGNATORY
    }
    valid = (
        revision.is_signed
        and revision.is_intact
        and required <= {signature.organization_id for signature in signatures}
        and all(signature.content_hash == revision.content_hash for signature in signatures)
    )
    public = is_public(revision.partnership) and revision.is_signed
    context = {"revision": revision, "valid": valid, "public": public}
    if public:
        context["partnership"] = revision.partnership
        context["title"] = revision.content["partnership"]["title"]
        roles = dict(Member.Role.choices)
        context["members"] = [
            {"name": member["name"], "role": roles.get(member["role"], member["role"])}
            for member in revision.content.get("members", [])
        ]
    return render(request, "actionplans/verify.html", context)
