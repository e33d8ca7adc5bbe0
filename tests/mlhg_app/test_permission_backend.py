"""Issue 18: our permissions are django-rules' and cost no query; Django's own model permissions still work."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from mlhg_app.models import User
from tests.factories import UserFactory
from tests.web import login


@pytest.mark.django_db
def test_a_rule_permission_is_answered_without_a_query_yes_or_no(django_assert_num_queries):
    prestataire = User.objects.get(pk=UserFactory(role="prestataire").pk)
    with django_assert_num_queries(0):
        answers = [
            prestataire.has_perm("mlhg_app.use_account"),
            prestataire.has_perm("mlhg_app.manage_people"),
            prestataire.has_perm("mlhg_app.view_history"),
            prestataire.has_perm("mlhg_app.open_admin"),
        ]
    assert answers == [True, False, False, False]


@pytest.mark.django_db
def test_a_django_model_permission_granted_in_the_database_still_counts():
    user = UserFactory(role="staff", antenne=None)
    user.user_permissions.add(Permission.objects.get(codename="view_outgoingmessage"))
    assert User.objects.get(pk=user.pk).has_perm("mlhg_app.view_outgoingmessage") is True
    assert User.objects.get(pk=user.pk).has_perm("mlhg_app.change_outgoingmessage") is False


@pytest.mark.django_db
def test_the_admin_console_still_opens_for_a_superuser():
    superuser = UserFactory(role="staff", antenne=None, is_staff=True, is_superuser=True)
    assert login(superuser).get(reverse("admin:index")).status_code == 200
    assert login(superuser).get(reverse("admin:mlhg_app_outgoingmessage_changelist")).status_code == 200
