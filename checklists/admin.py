from django.contrib import admin

from roadmap_portal.lib.admin import ReadOnly

from .models import Checkpoint, Roadmap, Step, TemplateVersion


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """Published content never changes: new content is a new version (manage.py
    publish_roadmap_template)."""


class StepInline(ReadOnly, admin.TabularInline):
    model = Step
    fields = ["number", "title"]
    extra = 0


@admin.register(TemplateVersion)
class TemplateVersionAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "published_at", "published_by"]
    exclude = ["source"]
    inlines = [StepInline]


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["code", "form", "statement", "kind", "step"]
    list_filter = ["step__version", "form", "kind"]


@admin.register(Roadmap)
class RoadmapAdmin(ReadOnlyAdmin):
    """Roadmaps are their owners' work: administrators see that they exist, not change them."""

    list_display = ["title", "form", "status", "updated_at"]
    list_filter = ["form", "status"]
    fields = ["title", "form", "status", "version", "created_at", "completed_at"]
