from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import views

# The 500 page must render without the database; Django's 403 and 404 views render
# templates/403.html and 404.html, which need nothing of this kind.
handler400 = "roadmap_portal.views.bad_request"
handler500 = "roadmap_portal.views.server_error"

urlpatterns = [
    # Outside the language prefix: monitors call it without following redirects.
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("", include("orgs.urls")),
    path("", include("checklists.urls")),
    path("admin/", admin.site.urls),
)
