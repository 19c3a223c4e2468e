from django.urls import path

from . import views

app_name = "exchange"

# The paths they had in orgs; roadmap_portal/urls.py includes these before orgs' patterns,
# where "organizations/<slug>/" would take "organizations/export/".
urlpatterns = [
    path("organizations/export/", views.directory_export, name="export"),
    path("organizations/export/hsds.zip", views.directory_export_hsds, name="export_hsds"),
    path("moderation/export/", views.staff_export, name="staff_export"),
    path("moderation/import/", views.import_upload, name="import"),
    path("moderation/import/<int:pk>/", views.import_preview, name="import_preview"),
]
