from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("organizations/", views.directory, name="directory"),
    path("organizations/register/", views.register, name="register"),
    path(
        "organizations/register/received/",
        views.registration_received,
        name="registration_received",
    ),
    path("organizations/invitations/<str:token>/", views.invitation, name="invitation"),
    path("organizations/still-correct/<str:token>/", views.still_correct, name="still_correct"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
    path("organizations/<slug:slug>/edit/", views.edit, name="edit"),
    path("organizations/<slug:slug>/claim/", views.claim, name="claim"),
    path("organizations/<slug:slug>/contact/", views.contact, name="contact"),
    path("organizations/<slug:slug>/contact/sent/", views.contact_sent, name="contact_sent"),
    path("organizations/<slug:slug>/invite/", views.invite, name="invite"),
    path("organizations/<slug:slug>/history/", views.history, name="history"),
    path(
        "organizations/<slug:slug>/history/<int:change_id>/revert/",
        views.revert,
        name="revert",
    ),
    path("municipalities/<slug:slug>/", views.municipality_detail, name="municipality"),
    path("municipalities/<slug:slug>/staff/", views.staff, name="staff"),
    path("municipalities/<slug:slug>/staff/invite/", views.staff_invite_form, name="staff_invite"),
    path("municipalities/<slug:slug>/staff/<int:pk>/role/", views.staff_role, name="staff_role"),
    path(
        "municipalities/<slug:slug>/staff/<int:pk>/remove/",
        views.staff_remove_confirm,
        name="staff_remove",
    ),
    path(
        "municipalities/<slug:slug>/staff/invitations/<int:pk>/withdraw/",
        views.staff_invitation_withdraw_view,
        name="staff_invitation_withdraw",
    ),
    path("staff-invitations/<str:token>/", views.staff_invitation, name="staff_invitation"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/organizations/<int:pk>/", views.moderate, name="moderate"),
    path("moderation/claims/<int:pk>/", views.moderate_claim, name="moderate_claim"),
    path("moderation/moves/<int:pk>/", views.moderate_move, name="moderate_move"),
    path("privacy/", views.privacy, name="privacy"),
]
