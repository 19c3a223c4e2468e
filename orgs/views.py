from django.conf.locale import LANG_INFO
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language_info
from django.views.decorators.http import require_safe
from django_countries import countries as all_countries

from roadmap_portal.lib.jsonld import organization_jsonld

from .access import get_organization_for_viewer
from .forms import DirectoryFilterForm
from .models import Municipality, Organization
from .search import DirectoryQuery, Sort, directory_search


@require_safe
def directory(request):
    countries_in_use = sorted(
        {str(code) for code in Municipality.objects.values_list("country", flat=True)}
    )
    form = DirectoryFilterForm(
        request.GET or None,
        countries=[(code, all_countries.name(code)) for code in countries_in_use],
    )
    if form.is_bound:
        form.is_valid()  # invalid filters are reported and left out of the search
    result = directory_search(form.directory_query())
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "orgs/directory.html",
        {"form": form, "result": result, "query_without_page": query_without_page.urlencode()},
    )


@require_safe
def organization_detail(request, slug):
    organization = get_organization_for_viewer(request.user, slug)
    organization = (
        Organization.objects.select_related("home_municipality")
        .prefetch_related(
            "services",
            "fields_of_activity",
            "target_groups",
            "offers",
            "seeks",
            Prefetch("municipalities_served", queryset=Municipality.objects.order_by("name")),
        )
        .get(pk=organization.pk)
    )
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "organization": organization,
            "jsonld": organization_jsonld(organization, request),
            "is_stale": organization.is_stale(),
            "working_languages": [
                get_language_info(code)["name_translated"]
                for code in organization.languages
                if code in LANG_INFO
            ],
        },
    )


@require_safe
def municipality_detail(request, slug):
    municipality = get_object_or_404(Municipality, slug=slug)
    # The directory search (home or served municipality), first page in name order.
    serving = directory_search(DirectoryQuery(municipality_id=municipality.pk, sort=Sort.NAME))
    return render(
        request,
        "orgs/municipality_detail.html",
        {
            "municipality": municipality,
            "departments": municipality.departments.all(),
            "serving": serving,
        },
    )
