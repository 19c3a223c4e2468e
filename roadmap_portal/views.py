import logging

from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from orgs.models import Municipality, Organization

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    published = Q(organizations__status=Organization.Status.PUBLISHED)
    municipalities = Municipality.objects.annotate(
        organization_count=Count("organizations", filter=published)
    ).order_by("name")
    return render(request, "home.html", {"municipalities": municipalities})


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
