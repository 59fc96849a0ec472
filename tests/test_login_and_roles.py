import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from prm import roles
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    return response


def test_anonymous_user_is_sent_to_login(client):
    for name in ("home", "my_week", "portfolio", "portal:home"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_account_manager_lands_on_my_week_with_own_distributors(client, account_manager):
    mine = factories.DistributorFactory(account_manager=account_manager, name_en="Kansai Foods")
    factories.DistributorFactory(name_en="Someone Else's Partner")
    response = login(client, account_manager)
    assert response.redirect_chain[-1][0] == reverse("my_week")
    page = response.content.decode()
    assert mine.name_en in page
    assert list(response.context["nothing_due"]) == [mine]
    assert "Someone Else&#x27;s Partner" not in page.split("</details>")[1]
    assert reverse("portfolio") in page
    assert reverse("portal:home") not in page


def test_executive_lands_on_portfolio(client, executive):
    factories.DistributorFactory(status="pilot")
    response = login(client, executive)
    assert response.redirect_chain[-1][0] == reverse("portfolio")
    assert response.context["total"] == 1
    assert {value: n for value, _label, n, _url in response.context["by_status"]}["pilot"] == 1
    assert reverse("my_week") not in response.content.decode()


def test_distributor_user_lands_on_own_portal(client, partner_user, distributor):
    other = factories.DistributorFactory()
    factories.AlignmentMeetingFactory(distributors=[distributor], title="Our Q3 alignment")
    factories.AlignmentMeetingFactory(distributors=[other], title="Their Q3 alignment")
    response = login(client, partner_user)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    page = response.content.decode()
    assert "Our Q3 alignment" in page
    assert "Their Q3 alignment" not in page


def test_distributor_user_cannot_open_staff_pages(client, partner_user):
    client.force_login(partner_user)
    assert client.get(reverse("my_week")).status_code == 403
    assert client.get(reverse("portfolio")).status_code == 403


def test_staff_cannot_open_the_portal(client, account_manager, executive):
    for user in (account_manager, executive):
        client.force_login(user)
        assert client.get(reverse("portal:home")).status_code == 403


def test_wrong_password_keeps_username_and_says_why(client, account_manager):
    response = client.post(
        reverse("login"), {"username": account_manager.username, "password": "nope"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please enter a correct username and password" in page
    assert f'value="{account_manager.username}"' in page


def test_distributor_role_refused_without_a_distributor(db):
    user = factories.UserFactory()
    with pytest.raises(ValidationError), transaction.atomic():
        user.groups.add(Group.objects.get(name=roles.DISTRIBUTOR_USER))
    assert not user.groups.exists()


def test_distributor_role_refused_from_the_group_side_too(db):
    user = factories.UserFactory()
    with pytest.raises(ValidationError):
        Group.objects.get(name=roles.DISTRIBUTOR_USER).user_set.add(user)


def test_distributor_user_cannot_also_be_staff(partner_user):
    with pytest.raises(ValidationError):
        partner_user.groups.add(Group.objects.get(name=roles.ACCOUNT_MANAGER))


def test_role_groups_carry_their_permissions(db):
    am = Group.objects.get(name=roles.ACCOUNT_MANAGER)
    executive = Group.objects.get(name=roles.EXECUTIVE)
    assert am.permissions.filter(codename="add_touchpoint").exists()
    assert not am.permissions.filter(codename="delete_distributor").exists()
    assert executive.permissions.filter(codename="view_goal").exists()
    assert not executive.permissions.filter(codename__startswith="change_").exists()
    assert not Group.objects.get(name=roles.DISTRIBUTOR_USER).permissions.exists()


def test_a_distributor_contact_cannot_become_staff(db):
    contact = factories.ContactFactory(portal_user=factories.UserFactory())
    with pytest.raises(ValidationError), transaction.atomic():
        contact.portal_user.groups.add(Group.objects.get(name=roles.ACCOUNT_MANAGER))


def test_an_archived_contact_loses_the_portal(client, partner_user):
    client.force_login(partner_user)
    assert client.get(reverse("portal:home")).status_code == 200
    contact = partner_user.portal_contact
    contact.archived_at = timezone.now()
    contact.save()
    assert client.get(reverse("portal:home")).status_code == 403


def test_a_contact_of_an_archived_distributor_loses_the_portal(client, partner_user):
    distributor = partner_user.portal_contact.distributor
    distributor.archived_at = timezone.now()
    distributor.save()
    client.force_login(partner_user)
    assert client.get(reverse("portal:home")).status_code == 403
