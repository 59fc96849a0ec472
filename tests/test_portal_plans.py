"""Shared plans in the partner portal: read them and say so (issue 6, item 5)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from distributors.feedback_services import do_acknowledge_plan
from distributors.models import SharedPlan, SharedPlanAcknowledgement
from prm.choices import Language
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse_lazy("portal:plan_list")


def detail_url(plan):
    return reverse("portal:plan_detail", args=[plan.pk])


def acknowledge_url(plan):
    return reverse("portal:plan_acknowledge", args=[plan.pk])


def portal_user(distributor, **kwargs):
    """A portal user who reads the portal in English (contacts default to Japanese)."""
    return factories.PortalUserFactory(
        portal_contact__distributor=distributor, portal_contact__language=Language.ENGLISH, **kwargs
    )


@pytest.fixture
def partner_user(distributor):
    return portal_user(distributor)


@pytest.fixture
def partner_client(client, partner_user):
    client.force_login(partner_user)
    return client


@pytest.fixture
def other_distributor():
    return factories.DistributorFactory(name_en="Rival Logistics")


@pytest.fixture
def plan():
    return factories.SharedPlanFactory(
        title="2027 market direction",
        summary="Premium first, in Kansai.",
        body="We will focus on the premium segment in Kansai drugstores.",
        horizon_start=dt.date(2027, 4, 1),
        horizon_end=dt.date(2030, 3, 31),
    )


@pytest.fixture
def plans(distributor, other_distributor):
    """One plan for everyone, one for our distributor, one for another, a draft, a future one."""
    for_all = factories.SharedPlanFactory(title="For everyone")
    for_us = factories.SharedPlanFactory(title="For us", audience=SharedPlan.Audience.CHOSEN)
    for_us.distributors.add(distributor, other_distributor)
    for_them = factories.SharedPlanFactory(
        title="Only for the rival", audience=SharedPlan.Audience.CHOSEN
    )
    for_them.distributors.add(other_distributor)
    draft = factories.SharedPlanFactory(title="Draft plan", published_at=None)
    future = factories.SharedPlanFactory(
        title="Not yet published", published_at=timezone.now() + dt.timedelta(days=2)
    )
    return {"all": for_all, "us": for_us, "them": for_them, "draft": draft, "future": future}


def test_list_shows_the_published_plans_shared_with_us(partner_client, plans):
    response = partner_client.get(LIST)
    assert set(response.context["page_obj"]) == {plans["all"], plans["us"]}
    page = response.content.decode()
    assert "For everyone" in page and "For us" in page
    for hidden in ("Only for the rival", "Draft plan", "Not yet published", "Rival Logistics"):
        assert hidden not in page


def test_list_is_newest_first_and_marks_what_the_user_read(
    partner_client, partner_user, distributor
):
    old = factories.SharedPlanFactory(
        title="Old plan", published_at=timezone.now() - dt.timedelta(days=30)
    )
    new = factories.SharedPlanFactory(title="New plan")
    factories.SharedPlanAcknowledgementFactory(plan=old, user=partner_user)
    # A colleague's reading is theirs, not this user's.
    factories.SharedPlanAcknowledgementFactory(plan=new, user=portal_user(distributor))
    response = partner_client.get(LIST)
    assert list(response.context["page_obj"]) == [new, old]
    page = response.content.decode()
    new_row, old_row = page.split("New plan")[1], page.split("Old plan")[1]
    assert "Not yet read" in new_row.split("Old plan")[0]
    assert "Not yet read" not in old_row and "Read" in old_row


def test_detail_shows_the_plan(partner_client, plan):
    page = partner_client.get(detail_url(plan)).content.decode()
    assert "2027 market direction" in page
    assert "Premium first, in Kansai." in page
    assert "We will focus on the premium segment in Kansai drugstores." in page
    assert "2027-04-01" in page and "2030-03-31" in page
    assert f'action="{acknowledge_url(plan)}"' in page
    assert "I have read this plan" in page


def test_acknowledging_twice_keeps_one_acknowledgement(partner_client, partner_user, plan):
    response = partner_client.post(acknowledge_url(plan), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(plan)
    first = SharedPlanAcknowledgement.objects.get()
    assert (first.plan, first.user) == (plan, partner_user)
    page = response.content.decode()
    assert "You told us you read this plan on" in page
    assert "I have read this plan" not in page

    partner_client.post(acknowledge_url(plan))
    assert SharedPlanAcknowledgement.objects.get() == first
    assert do_acknowledge_plan(partner_user, plan) == first
    assert SharedPlanAcknowledgement.objects.count() == 1


def test_acknowledgement_shows_in_the_account_managers_week(
    client, partner_client, partner_user, account_manager, plan
):
    partner_client.post(acknowledge_url(plan))
    client.force_login(account_manager)
    activity = client.get(reverse("my_week")).context["portal_activity"]
    assert [a.text for a in activity] == [
        f"{partner_user} read the shared plan “2027 market direction”."
    ]


@pytest.mark.parametrize("which", ["them", "draft", "future"])
def test_plans_not_shared_with_us_are_404(partner_client, plans, which):
    plan = plans[which]
    assert partner_client.get(detail_url(plan)).status_code == 404
    assert partner_client.post(acknowledge_url(plan)).status_code == 404
    assert not SharedPlanAcknowledgement.objects.exists()


def test_the_service_refuses_a_plan_not_shared_with_the_user(partner_user, plans, executive):
    with pytest.raises(PermissionDenied):
        do_acknowledge_plan(partner_user, plans["them"])
    with pytest.raises(PermissionDenied):
        do_acknowledge_plan(executive, plans["all"])
    assert not SharedPlanAcknowledgement.objects.exists()


def test_missing_plan_is_404(partner_client):
    assert partner_client.get(reverse("portal:plan_detail", args=[999999])).status_code == 404


def test_acknowledge_accepts_only_post(partner_client, plan):
    assert partner_client.get(acknowledge_url(plan)).status_code == 405
    assert partner_client.post(LIST).status_code == 405
    assert not SharedPlanAcknowledgement.objects.exists()


def test_staff_get_403_on_the_portal_pages(client, account_manager, executive, plan):
    for user in (account_manager, executive):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert client.get(detail_url(plan)).status_code == 403
        assert client.post(acknowledge_url(plan)).status_code == 403
    assert not SharedPlanAcknowledgement.objects.exists()


def test_anonymous_visitor_is_sent_to_login(client, plan):
    for response in (
        client.get(LIST),
        client.get(detail_url(plan)),
        client.post(acknowledge_url(plan)),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_pages_read_in_japanese(client, distributor, plan):
    client.force_login(factories.PortalUserFactory(portal_contact__distributor=distributor))
    for url in (LIST, detail_url(plan)):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="ja">' in response.content.decode()


def test_list_pages(partner_client):
    factories.SharedPlanFactory.create_batch(25)
    response = partner_client.get(LIST)
    assert len(response.context["page_obj"]) == 20
    assert "?page=2" in response.content.decode()


def test_list_makes_the_same_number_of_queries_for_5_and_50_plans(
    partner_client, partner_user, distributor
):
    def add(n):
        for number, shared in enumerate(
            factories.SharedPlanFactory.create_batch(n, audience=SharedPlan.Audience.CHOSEN)
        ):
            shared.distributors.add(distributor)
            if number % 2:
                factories.SharedPlanAcknowledgementFactory(plan=shared, user=partner_user)

    add(5)
    few = count_queries(partner_client, LIST)
    add(45)
    assert count_queries(partner_client, LIST) == few
