from django import forms
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from roadmap_portal.lib.admin import ReadOnly
from roadmap_portal.lib.http import base_url
from roadmap_portal.lib.locking import Conflict, VersionField, lock_at_version
from roadmap_portal.lib.pagecache import public_pages_changed

from .counts import directory_counts_changed
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
    OrganizationMove,
    Service,
    StaffChange,
    TargetGroup,
)
from .services import organization_admin_record, organization_snapshot


class DepartmentInline(admin.StackedInline):
    model = Department
    extra = 0


class MunicipalityMembershipInline(ReadOnly, admin.TabularInline):
    """Shown only: staff accounts change on the municipality's staff page, where the last
    coordinator stays one, each change is recorded and the person is told."""

    model = MunicipalityMembership
    fields = ["user", "role", "created_at"]
    readonly_fields = fields


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "time_zone"]
    list_filter = ["country"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DepartmentInline, MunicipalityMembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            directory_counts_changed()  # the home page lists it with its count


class OrganizationMembershipInline(admin.TabularInline):
    model = OrganizationMembership
    extra = 0
    autocomplete_fields = ["user"]


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0


class OrganizationAdminForm(forms.ModelForm):
    # The version the administrator opened: a save based on an older one is refused,
    # as in the portal's own edit page.
    loaded_version = VersionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_version"].required = True

    def clean_status(self):
        # Entries are published by their municipality (the moderation queue); here an
        # administrator takes one down (archived) or puts an archived one back.
        old, new = self.instance.status, self.cleaned_data["status"]
        allowed = {old, Organization.Status.ARCHIVED}
        if old == Organization.Status.ARCHIVED and self.instance.published_at:
            allowed.add(Organization.Status.PUBLISHED)
        if new not in allowed:
            raise forms.ValidationError(
                _("Here an entry can only be archived, or an archived one published again.")
            )
        return new

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            try:
                # The admin runs the whole change view in one transaction: the row stays
                # locked from this check to the save, so nobody saves in between.
                lock_at_version(Organization.objects, pk=self.instance.pk, version=loaded)
            except Conflict:
                raise forms.ValidationError(
                    _(
                        "Someone saved this entry after you opened it. Reload the page to"
                        " see what is saved now, then make your changes again."
                    )
                ) from None
        return cleaned


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """For portal administrators. Their edits are recorded in the entry's history with
    the same snapshots as the portal's. An entry with a history is not deleted here (that
    would delete its history): archive it instead (status), which is recorded too."""

    form = OrganizationAdminForm
    list_display = ["name", "type", "home_municipality", "status", "updated_at"]
    list_filter = ["status", "type", "home_municipality__country"]
    search_fields = ["name", "short_name", "registration_number"]
    list_select_related = ["home_municipality"]
    ordering = ["-updated_at"]
    show_full_result_count = False  # counting a million rows on every page is slow
    # The country is the home municipality's (orgs.services sets it so everywhere).
    readonly_fields = ["country", "published_at", "last_confirmed_at", "version"]
    autocomplete_fields = ["home_municipality", "municipalities_served"]
    inlines = [ServiceInline, OrganizationMembershipInline]

    def save_model(self, request, obj, form, change):
        # The admin saves the entry, then its relations and inlines, in one transaction:
        # the row is locked and its snapshot read before, the change recorded after.
        before, status_before, slug_before = None, None, None
        if change:
            saved = Organization.objects.select_for_update().get(pk=obj.pk)
            before, status_before = organization_snapshot(saved), saved.status
            slug_before = saved.slug
        form.history_before, form.status_before = before, status_before
        form.slug_before = slug_before
        obj.country = obj.home_municipality.country
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        organization_admin_record(
            organization=form.instance,
            actor=request.user,
            before=form.history_before,
            status_before=form.status_before,
            base_url=base_url(request),
        )
        if form.slug_before not in (None, form.instance.slug):
            # The page at the old address is kept by that address's slug.
            public_pages_changed(entry=form.slug_before)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.changes.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # The bulk delete would not ask entry by entry whether it has a history.
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        directory_counts_changed()
        public_pages_changed(entry=obj.slug)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            super().delete_queryset(request, queryset.filter(changes__isnull=True))
            directory_counts_changed()
            public_pages_changed()


@admin.register(OrganizationChange)
class OrganizationChangeAdmin(ReadOnly, admin.ModelAdmin):
    """The history is a record: shown, never added to, edited or deleted here."""

    list_display = ["organization", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["organization", "actor"]


@admin.register(OrganizationMove)
class OrganizationMoveAdmin(ReadOnly, admin.ModelAdmin):
    """Moves are decided in the moderation queue by the new municipality."""

    list_display = [
        "organization", "from_municipality", "to_municipality", "status", "created_at",
    ]  # fmt: skip
    list_filter = ["status"]
    list_select_related = ["organization", "from_municipality", "to_municipality"]
    # The request first, then its decision (the model lists Decision's fields first).
    fields = [
        "organization", "from_municipality", "to_municipality", "requested_by",
        "status", "decided_by", "decided_at", "reason",
    ]  # fmt: skip


@admin.register(StaffChange)
class StaffChangeAdmin(ReadOnly, admin.ModelAdmin):
    """Changes of a municipality's staff made on its staff page: a record, shown only."""

    list_display = ["municipality", "kind", "email", "role", "actor", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["municipality", "actor"]
    search_fields = ["email"]


@admin.register(OrganizationClaim)
class OrganizationClaimAdmin(admin.ModelAdmin):
    list_display = ["organization", "user", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["organization", "user", "decided_by"]
    readonly_fields = ["status", "decided_by", "decided_at", "reason"]


@admin.register(FieldOfActivity, TargetGroup, NeedKind)
class TaxonomyAdmin(TranslationAdmin):
    list_display = ["name", "slug", "position"]
