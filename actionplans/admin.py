from django.contrib import admin

from roadmap_portal.lib.admin import ReadOnly

from .models import Partnership


@admin.register(Partnership)
class PartnershipAdmin(ReadOnly, admin.ModelAdmin):
    """Partnerships are their members' work, signed by them: administrators see that they
    exist, not change them."""

    list_display = ["title", "municipality", "status", "updated_at"]
    list_filter = ["status"]
    fields = ["title", "municipality", "status", "created_at"]
