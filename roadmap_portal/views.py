import logging
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from orgs.access import works_for_a_municipality
from orgs.counts import directory_counts_changed
from orgs.models import Municipality

from .context_processors import language_links
from .lib.http import PermissionDeniedWithReason
from .lib.pagecache import cached_page
from .lib.panels import collect
from .lib.replica import reads_from_replica

logger = logging.getLogger(__name__)


@require_safe
@cached_page
@reads_from_replica
def home(request):
    """The municipalities with their published entries as last counted (orgs.counts):
    one query, never a count. A municipality not counted yet shows no number, and a
    refresh is enqueued."""
    municipalities = list(Municipality.objects.select_related("count").order_by("name"))
    counted = [m.count for m in municipalities if hasattr(m, "count")]
    if len(counted) < len(municipalities):
        directory_counts_changed()
    counted_at = max((count.counted_at for count in counted), default=None)
    return render(
        request, "home.html", {"municipalities": municipalities, "counted_at": counted_at}
    )


# When the accessibility statement was last reviewed: change it with the statement.
STATEMENT_PREPARED = date(2026, 12, 2)


@require_safe
def accessibility(request):
    """The accessibility statement (EU directive 2016/2102, the Commission's model)."""
    return render(
        request,
        "accessibility.html",
        {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL, "prepared": STATEMENT_PREPARED},
    )


@login_required
@require_safe
def my_work(request):
    """Everything waiting for me, from every app: what is due first, then each app's
    panel in the order of settings.MY_WORK_PANELS (roadmap_portal/lib/panels.py)."""
    panels = collect(request, settings.MY_WORK_PANELS)
    return render(
        request,
        "my_work.html",
        {
            "panels": [panel.render(request) for panel in panels],
            "due": [due for panel in panels for due in panel.due],
        },
    )


def sign_in_landing(user):
    """Where a sign-in without `next` leads (settings.SIGN_IN_LANDING): staff and
    coordinators to My work, where their queue and roadmaps are; others to the default."""
    if works_for_a_municipality(user):
        return reverse("my_work")
    return None


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@requires_csrf_token
def permission_denied(request, exception):
    """The 403 page (handler403): the reasons of a PermissionDeniedWithReason, else the
    general words. Django's own view would put any exception's message in the page."""
    reasons = exception.reasons if isinstance(exception, PermissionDeniedWithReason) else []
    return render(request, "403.html", {"reasons": reasons}, status=403)


def csrf_failure(request, reason=""):
    """A refused form (an expired page, cookies off) in the portal's layout (CSRF_FAILURE_VIEW)."""
    context = {"cookie_missing": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "403_csrf.html", context, status=403)


def bad_request(request, exception):
    """400 in the portal's layout and language: a form over the upload limit says so
    (Django's own page is a bare line of English)."""
    too_big = isinstance(exception, RequestDataTooBig)
    return render(request, "400.html", {"too_big": too_big}, status=400)


def server_error(request):
    """The 500 page in the layout and the language of the URL (LocaleMiddleware set it).

    The error may be the database itself, so nothing here may touch it: the template gets
    a plain context, without the signed-in user, the session or its messages, which the
    context processors would load. If even that fails, a line of text.
    """
    try:
        context = language_links(request)
        body = loader.get_template("500.html").render(context)
    except Exception:
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError("Server error\n", content_type="text/plain")
    return HttpResponseServerError(body)
