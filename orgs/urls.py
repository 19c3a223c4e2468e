from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("organizations/", views.directory, name="directory"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
    path("municipalities/<slug:slug>/", views.municipality_detail, name="municipality"),
]
