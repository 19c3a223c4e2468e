from django.contrib import admin

from .models import (
    Department,
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationMembership,
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


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "home_municipality", "status", "updated_at"]
    list_filter = ["status", "type", "home_municipality__country"]
    search_fields = ["name", "short_name"]
    list_select_related = ["home_municipality"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganizationMembershipInline]
