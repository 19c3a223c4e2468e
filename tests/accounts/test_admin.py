import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def change_data(user, **overrides):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    return {**data, **overrides}


def test_activating_a_sign_up_in_the_admin_ends_its_wait(client, administrator):
    # An account waiting for confirmation cannot be active (CHECK): the admin vouches.
    user = UserFactory(is_active=False, awaiting_confirmation=True)
    client.force_login(administrator)

    response = client.post(
        f"/en/admin/accounts/user/{user.pk}/change/", change_data(user, is_active="on")
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and not user.awaiting_confirmation


def test_deactivating_it_again_leaves_an_account_no_link_turns_back_on(client, administrator):
    user = UserFactory(is_active=False, awaiting_confirmation=True)
    client.force_login(administrator)
    url = f"/en/admin/accounts/user/{user.pk}/change/"
    client.post(url, change_data(user, is_active="on"))
    client.post(url, change_data(user))

    user.refresh_from_db()
    assert user.is_deactivated


def test_the_migration_marks_only_never_used_sign_ups_as_waiting():
    migration = importlib.import_module("accounts.migrations.0002_awaiting_confirmation")
    signed_up = UserFactory(is_active=False)
    UserFactory(is_active=False, last_login=timezone.now())  # deactivated after use
    UserFactory(is_active=False, email_confirmed_at=timezone.now())  # after confirming
    UserFactory(is_active=False, is_staff=True)  # a former administrator
    UserFactory()

    migration.mark_sign_ups_awaiting_confirmation(apps, None)

    assert list(User.objects.filter(awaiting_confirmation=True)) == [signed_up]
