from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import views

# The 500 page must render without the database; the 400 and 403 pages are in the
# portal's layout too (the 403 shows only the reasons meant for the visitor). Django's 404
# view renders templates/404.html.
handler400 = "roadmap_portal.views.bad_request"
handler403 = "roadmap_portal.views.permission_denied"
handler500 = "roadmap_portal.views.server_error"

urlpatterns = [
    # Outside the language prefix: monitors call it without following redirects.
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("my-work/", views.my_work, name="my_work"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/", include("accounts.urls")),
    # Before orgs: its "organizations/<slug>/" would take "organizations/export/".
    path("", include("exchange.urls")),
    path("", include("orgs.urls")),
    path("", include("checklists.urls")),
    path("", include("actionplans.urls")),
    path("", include("evaluation.urls")),
    path("admin/", admin.site.urls),
)
