from django.urls import path

from .views import dashboard, documents, evidence, kpis, stages

app_name = "evaluation"

EVALUATION = "partnerships/<int:pk>/evaluation/"

urlpatterns = [
    path(EVALUATION, dashboard.partnership_dashboard, name="dashboard"),
    path(f"{EVALUATION}stages/", stages.stage_list, name="stages"),
    path(f"{EVALUATION}stages/new/", stages.stage_new, name="stage_new"),
    path(f"{EVALUATION}stages/<int:stage>/", stages.stage_edit, name="stage"),
    path(f"{EVALUATION}stages/<int:stage>/delete/", stages.stage_delete, name="stage_delete"),
    path(f"{EVALUATION}kpis/", kpis.kpi_list, name="kpis"),
    path(f"{EVALUATION}kpis/new/", kpis.kpi_new, name="kpi_new"),
    path(f"{EVALUATION}kpis/<int:kpi>/", kpis.kpi_detail, name="kpi"),
    path(f"{EVALUATION}kpis/<int:kpi>/edit/", kpis.kpi_edit, name="kpi_edit"),
    path(f"{EVALUATION}kpis/<int:kpi>/delete/", kpis.kpi_delete, name="kpi_delete"),
    path(
        f"{EVALUATION}kpis/<int:kpi>/measurements/new/",
        kpis.measurement_new,
        name="measurement_new",
    ),
    path(
        f"{EVALUATION}measurements/<int:measurement>/",
        kpis.measurement_edit,
        name="measurement",
    ),
    path(
        f"{EVALUATION}measurements/<int:measurement>/withdraw/",
        kpis.measurement_withdraw,
        name="measurement_withdraw",
    ),
    path(
        f"{EVALUATION}measurements/<int:measurement>/review/",
        kpis.measurement_review,
        name="measurement_review",
    ),
    path(f"{EVALUATION}evidence/", evidence.evidence_list, name="evidence_list"),
    path(f"{EVALUATION}evidence/new/", evidence.evidence_new, name="evidence_new"),
    path(f"{EVALUATION}evidence/<int:evidence>/", evidence.evidence_edit, name="evidence"),
    path(
        f"{EVALUATION}evidence/<int:evidence>/delete/",
        evidence.evidence_delete,
        name="evidence_delete",
    ),
    path(
        f"{EVALUATION}evidence/<int:evidence>/file/",
        evidence.evidence_file,
        name="evidence_file",
    ),
    path(f"{EVALUATION}kpis.csv", documents.kpis_csv, name="kpis_csv"),
    path(f"{EVALUATION}kpis.xlsx", documents.kpis_xlsx, name="kpis_xlsx"),
    path(f"{EVALUATION}measurements.csv", documents.measurements_csv, name="measurements_csv"),
    path(f"{EVALUATION}measurements.xlsx", documents.measurements_xlsx, name="measurements_xlsx"),
    path(f"{EVALUATION}report/", documents.report, name="report"),
    path(f"{EVALUATION}report.pdf", documents.report_pdf, name="report_pdf"),
    path(f"{EVALUATION}report/pdf/", documents.report_pdf_status, name="report_pdf_status"),
    path(
        "evaluation/municipalities/<slug:slug>/",
        dashboard.municipality_dashboard,
        name="municipality",
    ),
]
