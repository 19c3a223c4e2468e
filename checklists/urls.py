from django.urls import path

from . import views

app_name = "checklists"

urlpatterns = [
    path("roadmap/about/", views.about, name="about"),
    path("roadmaps/", views.roadmap_list, name="list"),
    path("roadmaps/new/", views.roadmap_new, name="new"),
    path("roadmaps/forms/<str:form>.pdf", views.blank_form_pdf, name="blank_form_pdf"),
    path("roadmaps/<int:pk>/", views.roadmap_detail, name="roadmap"),
    path("roadmaps/<int:pk>/check/", views.check_answers, name="check"),
    path("roadmaps/<int:pk>/roadmap.pdf", views.roadmap_pdf, name="pdf"),
    path("roadmaps/<int:pk>/pdf/", views.pdf_status, name="pdf_status"),
    path("roadmaps/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("roadmaps/<int:pk>/share/", views.share, name="share"),
    path("roadmaps/<int:pk>/upgrade/", views.upgrade, name="upgrade"),
    path("roadmaps/<int:pk>/share/<int:municipality_id>/stop/", views.unshare, name="unshare"),
    path("roadmaps/<int:pk>/<str:code>/", views.checkpoint, name="checkpoint"),
    path("roadmaps/<int:pk>/<str:code>/autosave/", views.autosave, name="autosave"),
    path("roadmaps/<int:pk>/<str:code>/history/", views.answer_history, name="history"),
]
