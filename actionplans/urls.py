from django.urls import path

from . import views

app_name = "actionplans"

urlpatterns = [
    path("partnerships/", views.partnership_list, name="list"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership"),
]
