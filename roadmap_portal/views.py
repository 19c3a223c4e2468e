import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from orgs.models import Municipality, Organization

logger = logging.getLogger(__name__)


# Counting a million organizations per municipality takes half a second: the home page
# shows counts at most this old.
HOME_COUNTS_SECONDS = 300


def municipalities_with_counts():
    published = Q(organizations__status=Organization.Status.PUBLISHED)
    return list(
        Municipality.objects.annotate(
            organization_count=Count("organizations", filter=published)
        ).order_by("name")
    )


@require_safe
def home(request):
    municipalities = cache.get_or_set(
        "home:municipalities", municipalities_with_counts, HOME_COUNTS_SECONDS
    )
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
