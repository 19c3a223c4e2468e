from django.urls import path

from .views import documents, partnership, plans, signoff

app_name = "actionplans"

urlpatterns = [
    path("partnerships/", partnership.partnership_list, name="list"),
    path("partnerships/new/", partnership.partnership_new, name="new"),
    path(
        "partnerships/from-roadmap/<int:pk>/",
        partnership.partnership_from_roadmap,
        name="new_from_roadmap",
    ),
    path("partnerships/public/", signoff.public_list, name="public_list"),
    path("partnerships/<int:pk>/", partnership.partnership_detail, name="partnership"),
    path("partnerships/<int:pk>/details/", partnership.details, name="details"),
    path("partnerships/<int:pk>/partners/", partnership.partners, name="partners"),
    path("partnerships/<int:pk>/action-plan/", plans.action_plan, name="actions"),
    path("partnerships/<int:pk>/action-plan.csv", plans.action_plan_csv, name="actions_csv"),
    path("partnerships/<int:pk>/action-plan.xlsx", plans.action_plan_xlsx, name="actions_xlsx"),
    path(
        "partnerships/<int:pk>/communication-plan/",
        plans.communication_plan,
        name="communications",
    ),
    path("partnerships/<int:pk>/calendar/", plans.calendar, name="calendar"),
    # slug: the alphabet of the secrets (token_urlsafe, the codes); anything else is no
    # address at all, and never reaches a query (PostgreSQL refuses a NUL in one).
    path("calendar/<slug:key>.ics", plans.calendar_feed, name="calendar_feed"),
    path("partnerships/<int:pk>/check/", signoff.check, name="check"),
    path("partnerships/<int:pk>/revisions/", signoff.revision_list, name="revisions"),
    path("partnerships/<int:pk>/revisions/compare/", signoff.revision_compare, name="compare"),
    path(
        "partnerships/<int:pk>/revisions/<int:number>/",
        signoff.revision_detail,
        name="revision",
    ),
    path(
        "partnerships/<int:pk>/revisions/<int:number>/plan.pdf",
        documents.revision_pdf,
        name="revision_pdf",
    ),
    path("partnerships/<int:pk>/publication/", signoff.publication, name="publication"),
    path("partnerships/<int:pk>/public/", signoff.public_detail, name="public"),
    path("v/<slug:code>/", documents.verify, name="verify"),
]
