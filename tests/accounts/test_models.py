import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError

from tests.factories import UserFactory

User = get_user_model()


def test_it_stores_e_mail_addresses_in_lower_case(db):
    user = User.objects.create_user("Anna.Berzina@Example.ORG", "pw-123456789")
    assert user.email == "anna.berzina@example.org"


def test_it_refuses_a_second_account_for_the_same_address_in_another_case(db):
    UserFactory(email="anna@example.org")
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="ANNA@example.org")])


def test_it_requires_an_e_mail_address(db):
    with pytest.raises(ValueError):
        User.objects.create_user("", "pw")


def test_it_makes_superusers_portal_administrators(db):
    admin = User.objects.create_superuser("admin@example.org", "pw-123456789")
    assert admin.is_superuser
    assert admin.is_staff
