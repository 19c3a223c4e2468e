"""The abstract Decision model that claims and moves share."""

import pytest
from django.core.management import call_command

from orgs.models import Decision, OrganizationClaim, OrganizationMove

DECISION_FIELDS = {"status", "decided_by", "decided_at", "reason", "created_at"}


@pytest.mark.parametrize("model", [OrganizationClaim, OrganizationMove])
def test_claims_and_moves_record_their_decision_in_the_same_fields(model):
    assert issubclass(model, Decision)
    assert {field.name for field in model._meta.fields} >= DECISION_FIELDS
    assert model._meta.ordering == ["created_at"]
    assert f"orgs_{model._meta.model_name}_reason_max_length" in {
        constraint.name for constraint in model._meta.constraints
    }


def test_a_move_may_also_be_withdrawn_a_claim_not():
    assert OrganizationMove.Status.WITHDRAWN in dict(OrganizationMove.Status.choices)
    assert "withdrawn" not in dict(OrganizationClaim.Status.choices)
    assert OrganizationMove.Status.PENDING == OrganizationClaim.Status.PENDING == "pending"


@pytest.mark.django_db
def test_the_shared_fields_kept_their_tables_and_need_no_migration():
    # Exits with an error if the models and the migrations differ.
    call_command("makemigrations", "orgs", check=True, dry_run=True, verbosity=0)
