"""Every free-text field of the directory has a length limit that the forms state and the
database enforces, and one-line fields hold no line break (roadmap_portal/lib/text.py)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import DataError, IntegrityError, models, transaction
from django.utils import translation

from orgs.models import (
    Department,
    FieldOfActivity,
    Municipality,
    NeedKind,
    Organization,
    OrganizationChange,
    OrganizationClaim,
    SearchWord,
    Service,
    TargetGroup,
)
from roadmap_portal.lib.text import validate_single_line
from tests.factories import DepartmentFactory, OrganizationFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every model of the directory, so that a new one with free text needs its limits too, but
# those whose text the portal writes itself or that only administrators fill (taxonomies).
WRITTEN_BY_THE_PORTAL = {
    OrganizationChange, SearchWord, FieldOfActivity, TargetGroup, NeedKind,
}  # fmt: skip
DIRECTORY_MODELS = [
    model
    for model in apps.get_app_config("orgs").get_models()
    if model not in WRITTEN_BY_THE_PORTAL
]
# Text the portal writes itself, or checks against a list: no one types it freely.
NOT_FREE_TEXT = {"slug", "time_zone", "search_text", "facet_tokens"}
SINGLE_LINE = {
    Municipality: {"name"},
    Department: {"name", "contact_person", "phone"},
    Organization: {
        "name", "short_name", "legal_form", "registration_number", "address", "phone",
        "contact_person",
    },
    Service: {"name"},
    OrganizationClaim: set(),  # models without one-line text need no entry
}  # fmt: skip


def free_text_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and field.name not in NOT_FREE_TEXT
    ]


def checks_of(model):
    return {constraint.name: constraint for constraint in model._meta.constraints}


@pytest.mark.parametrize("model", DIRECTORY_MODELS, ids=lambda model: model.__name__)
def test_every_free_text_field_has_a_limit_its_validators_and_a_check_constraint_state(model):
    checks = checks_of(model)
    for field in free_text_fields(model):
        assert field.max_length, f"{model.__name__}.{field.name} has no max_length"
        assert any(
            isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length
            for v in field.validators
        ), f"{model.__name__}.{field.name}: no MaxLengthValidator (the import's full_clean)"
        name = f"orgs_{model._meta.model_name}_{field.name}_max_length"
        assert name in checks, f"{model.__name__}.{field.name} has no CHECK {name}"
        assert checks[name].condition.rhs == field.max_length


@pytest.mark.parametrize("model", DIRECTORY_MODELS, ids=lambda model: model.__name__)
def test_one_line_fields_have_the_validator_and_a_check_constraint(model):
    checks = checks_of(model)
    for field in free_text_fields(model):
        has_validator = validate_single_line in field.validators
        has_check = f"orgs_{model._meta.model_name}_{field.name}_single_line" in checks
        expected = field.name in SINGLE_LINE.get(model, set())
        assert (has_validator, has_check) == (expected, expected), f"{model.__name__}.{field.name}"


def refused_by_the_database(queryset, **values):
    with pytest.raises((IntegrityError, DataError)) as error, transaction.atomic():
        queryset.update(**values)
    return error.value


def test_the_database_refuses_a_purpose_over_5000_characters():
    organization = OrganizationFactory()
    queryset = Organization.objects.filter(pk=organization.pk)
    error = refused_by_the_database(queryset, description="x" * 5001)
    assert isinstance(error, IntegrityError)
    assert "orgs_organization_description_max_length" in str(error)
    queryset.update(description="x" * 5000)


@pytest.mark.parametrize(
    ("factory", "model", "field", "limit"),
    [
        (ServiceFactory, Service, "description", 2000),
        (DepartmentFactory, Department, "responsibilities", 2000),
        (OrganizationFactory, Organization, "rejection_reason", 2000),
    ],
)
def test_the_database_refuses_other_long_texts(factory, model, field, limit):
    row = factory()
    error = refused_by_the_database(model.objects.filter(pk=row.pk), **{field: "x" * (limit + 1)})
    assert isinstance(error, IntegrityError)


def test_the_database_refuses_a_long_claim_message_and_reason():
    claim = OrganizationClaim.objects.create(
        organization=OrganizationFactory(), user=UserFactory(), message="Esmu valdes loceklis."
    )
    queryset = OrganizationClaim.objects.filter(pk=claim.pk)
    assert isinstance(refused_by_the_database(queryset, message="x" * 2001), IntegrityError)
    assert isinstance(refused_by_the_database(queryset, reason="x" * 2001), IntegrityError)


def test_the_database_refuses_a_name_over_its_length_on_sqlite_too():
    # PostgreSQL's varchar refuses it (DataError); on SQLite only the CHECK does.
    organization = OrganizationFactory()
    refused_by_the_database(Organization.objects.filter(pk=organization.pk), name="x" * 301)


@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n"])
def test_the_database_refuses_a_line_break_in_a_name(line_break):
    organization = OrganizationFactory()
    error = refused_by_the_database(
        Organization.objects.filter(pk=organization.pk), name=f"Biedrība{line_break}Zīlīte"
    )
    assert isinstance(error, IntegrityError)
    assert "orgs_organization_name_single_line" in str(error)


def test_full_clean_refuses_a_line_break_in_one_line_fields_with_a_message():
    organization = OrganizationFactory.build(
        name="Biedrība\nZīlīte", phone="+371\u2028 2000 0000", address="Talsi\rLatvija"
    )
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            organization.full_clean(exclude=["home_municipality", "country", "slug"])
        for field in ["name", "phone", "address"]:
            assert error.value.message_dict[field] == [
                "Write this on one line, without line breaks."
            ]


def test_full_clean_refuses_a_long_purpose_with_the_usual_message():
    organization = OrganizationFactory.build(description="x" * 5001)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            organization.full_clean(exclude=["home_municipality", "country", "slug"])
        assert error.value.message_dict["description"] == [
            "Ensure this value has at most 5000 characters (it has 5001)."
        ]


def test_model_validation_asks_the_database_nothing_for_the_text_checks(
    django_assert_num_queries,
):
    organization = OrganizationFactory.build(description="x" * 10)
    with django_assert_num_queries(0):
        organization.validate_constraints(
            exclude={"country", "registration_number", "year_founded"}
        )
