"""The evaluation's pages, by part: dashboards, stages, KPIs and measurements, evidence,
documents (exports and the report PDF)."""
