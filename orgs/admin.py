from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import (
    Department,
    FieldOfActivity,
    Municipality,
    MunicipalityMembership,
    NeedKind,
    Organization,
    OrganizationChange,
    OrganizationClaim,
    OrganizationMembership,
    Service,
    TargetGroup,
)


class DepartmentInline(admin.StackedInline):
    model = Department
    extra = 0


class MunicipalityMembershipInline(admin.TabularInline):
    model = MunicipalityMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "time_zone"]
    list_filter = ["country"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DepartmentInline, MunicipalityMembershipInline]


class OrganizationMembershipInline(admin.TabularInline):
    model = OrganizationMembership
    extra = 0
    autocomplete_fields = ["user"]


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """For portal administrators; representatives and staff use the portal's own pages,
    which record every change (an edit here is not in the entry's history)."""

    list_display = ["name", "type", "home_municipality", "status", "updated_at"]
    list_filter = ["status", "type", "home_municipality__country"]
    search_fields = ["name", "short_name", "registration_number"]
    list_select_related = ["home_municipality"]
    ordering = ["-updated_at"]
    show_full_result_count = False  # counting a million rows on every page is slow
    readonly_fields = ["status", "published_at", "last_confirmed_at", "version"]
    autocomplete_fields = ["home_municipality", "municipalities_served"]
    inlines = [ServiceInline, OrganizationMembershipInline]


@admin.register(OrganizationChange)
class OrganizationChangeAdmin(admin.ModelAdmin):
    list_display = ["organization", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["organization", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the history is a record, not an editable list


@admin.register(OrganizationClaim)
class OrganizationClaimAdmin(admin.ModelAdmin):
    list_display = ["organization", "user", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["organization", "user", "decided_by"]
    readonly_fields = ["status", "decided_by", "decided_at", "reason"]


@admin.register(FieldOfActivity, TargetGroup, NeedKind)
class TaxonomyAdmin(TranslationAdmin):
    list_display = ["name", "slug", "position"]
