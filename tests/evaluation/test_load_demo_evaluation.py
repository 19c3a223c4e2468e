"""manage.py load_demo_evaluation: the demo partnership's KPIs, stages and evidence, once."""

import pytest
from django.core.management import CommandError, call_command

from evaluation.models import EvaluationStage, Evidence, Kpi, Measurement
from evaluation.progress import State, progress_of_kpis

pytestmark = pytest.mark.django_db


def load():
    call_command("load_demo_data")
    call_command("load_demo_partnerships")
    call_command("load_demo_evaluation")


def test_it_adds_kpis_decided_by_the_other_side_and_one_waiting(capsys):
    load()
    assert "created" in capsys.readouterr().out
    families, hours = Kpi.objects.order_by("position")
    statuses = sorted(Measurement.objects.values_list("status", flat=True))
    assert statuses == ["approved"] * 4 + ["pending", "rejected"]
    # Each decision was made for another party than the entry's.
    for measurement in Measurement.objects.exclude(status="pending"):
        assert measurement.entered_for_id != measurement.reviewed_for_id
        assert measurement.entered_by_id != measurement.reviewed_by_id
    by_kpi = {
        p.kpi.pk: p
        for p in progress_of_kpis(Kpi.objects.select_related("partnership__municipality"))
    }
    # The latest approved (9 of 20 families); the rejected 560 hours are not counted.
    assert by_kpi[families.pk].value == 9
    assert by_kpi[hours.pk].value == 96
    assert by_kpi[families.pk].state != State.NOT_MEASURED
    assert EvaluationStage.objects.count() == 3 and Evidence.objects.count() == 1


def test_it_changes_nothing_when_run_again():
    load()
    call_command("load_demo_evaluation")
    assert Kpi.objects.count() == 2 and Measurement.objects.count() == 6


def test_it_needs_the_demo_partnership_first():
    call_command("load_demo_data")
    with pytest.raises(CommandError, match="load_demo_partnerships"):
        call_command("load_demo_evaluation")


def test_it_is_refused_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="refused"):
        call_command("load_demo_evaluation")
