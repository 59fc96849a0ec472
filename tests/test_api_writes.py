"""Writes through the API go through the same services and rules as the staff pages, and
every bad request is a JSON 4xx with a message, never a 500."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from distributors.models import Contact, Distributor
from meetings.models import AlignmentMeeting, Touchpoint
from tests import factories
from tests.test_api_access import token_client

pytestmark = pytest.mark.django_db

HUGE = 10**30


@pytest.fixture
def manager_client(account_manager):
    return token_client(account_manager)


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_manager_creates_a_distributor_with_its_prefectures(manager_client, account_manager):
    response = manager_client.post(
        reverse("api:distributor-list"),
        {
            "code": "hokuriku-foods",
            "name_en": "Hokuriku Foods",
            "name_ja": "北陸フーズ",
            "role": "cold_chain",
            "prefectures": [16, 17],
            "account_manager": account_manager.pk,
            "notes": "Met at FOODEX.",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    distributor = Distributor.objects.get(code="hokuriku-foods")
    assert sorted(distributor.prefectures.values_list("code", flat=True)) == [16, 17]
    assert distributor.account_manager == account_manager
    assert response.json()["prefectures"] == [16, 17]


def test_patch_changes_only_what_it_names(manager_client, distributor):
    distributor.prefectures.set([factories.PrefectureFactory()])

    response = manager_client.patch(
        reverse("api:distributor-detail", args=[distributor.pk]),
        {"status": "at_risk"},
        format="json",
    )

    assert response.status_code == 200, response.content
    distributor.refresh_from_db()
    assert distributor.status == Distributor.Status.AT_RISK
    assert list(distributor.prefectures.values_list("code", flat=True)) == [13]


def test_the_models_rules_are_applied(manager_client, distributor):
    downstream = factories.DistributorFactory(upstream=distributor)

    looping = manager_client.patch(
        reverse("api:distributor-detail", args=[distributor.pk]),
        {"upstream": downstream.pk},
        format="json",
    )

    assert_json_error(looping, 400)
    assert "upstream" in looping.json()["errors"]
    distributor.refresh_from_db()
    assert distributor.upstream is None


def test_contact_email_unique_per_distributor_whatever_the_case(manager_client, distributor):
    factories.ContactFactory(distributor=distributor, email="sato@partner.example.jp")

    response = manager_client.post(
        reverse("api:contact-list"),
        {
            "distributor": distributor.pk,
            "name_latin": "Jiro Sato",
            "seniority": "manager",
            "email": "SATO@partner.example.jp",
        },
        format="json",
    )

    assert_json_error(response, 400)
    assert Contact.objects.filter(distributor=distributor).count() == 1


def test_a_contact_stays_with_its_distributor(manager_client, distributor):
    contact = factories.ContactFactory(distributor=distributor)
    other = factories.DistributorFactory()

    response = manager_client.patch(
        reverse("api:contact-detail", args=[contact.pk]),
        {"distributor": other.pk},
        format="json",
    )

    assert_json_error(response, 400)
    contact.refresh_from_db()
    assert contact.distributor == distributor


def test_touchpoint_is_logged_by_the_tokens_user(manager_client, account_manager, distributor):
    contact = factories.ContactFactory(distributor=distributor)

    response = manager_client.post(
        reverse("api:touchpoint-list"),
        {
            "distributor": distributor.pk,
            "kind": "executive_meal",
            "occurred_on": timezone.localdate().isoformat(),
            "contacts": [contact.pk],
            "staff": [account_manager.pk],
            "mood": "concern",
            "unspoken_concerns": "Worried about the new competitor.",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    touchpoint = Touchpoint.objects.get(pk=response.json()["id"])
    assert touchpoint.logged_by == account_manager
    assert list(touchpoint.contacts.all()) == [contact]
    assert response.json()["logged_by"] == account_manager.pk


def test_touchpoint_in_the_future_or_with_a_stranger_is_refused(manager_client, distributor):
    stranger = factories.ContactFactory()
    url = reverse("api:touchpoint-list")
    base = {"distributor": distributor.pk, "kind": "call"}

    future = manager_client.post(
        url,
        {**base, "occurred_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat()},
        format="json",
    )
    with_stranger = manager_client.post(
        url,
        {**base, "occurred_on": timezone.localdate().isoformat(), "contacts": [stranger.pk]},
        format="json",
    )

    assert_json_error(future, 400)
    assert "occurred_on" in future.json()["errors"]
    assert_json_error(with_stranger, 400)
    assert "contacts" in with_stranger.json()["errors"]
    assert not Touchpoint.objects.exists()


def test_meeting_is_scheduled_with_its_organizer(manager_client, account_manager, distributor):
    starts = timezone.now() + dt.timedelta(days=7)

    response = manager_client.post(
        reverse("api:meeting-list"),
        {
            "title": "Q3 alignment",
            "distributors": [distributor.pk],
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
            "staff_attendees": [account_manager.pk],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    meeting = AlignmentMeeting.objects.get(pk=response.json()["id"])
    assert meeting.organizer == account_manager
    assert list(meeting.distributors.all()) == [distributor]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2020-01-01T00:00:00Z"}, "ends_at"),
        ({"kind": "advisory_board"}, "distributors"),
    ],
    ids=["ends-before-start", "board-of-one"],
)
def test_meeting_rules_of_the_form_apply(manager_client, distributor, change, field):
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor], title="Kept")

    response = manager_client.patch(
        reverse("api:meeting-detail", args=[meeting.pk]), {"title": "New", **change}, format="json"
    )

    assert_json_error(response, 400)
    assert field in response.json()["errors"]
    meeting.refresh_from_db()
    assert meeting.title == "Kept"


def test_meeting_patch_keeps_its_attendees(manager_client, distributor, account_manager):
    contact = factories.ContactFactory(distributor=distributor)
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
    meeting.contact_attendees.set([contact])
    meeting.staff_attendees.set([account_manager])

    response = manager_client.patch(
        reverse("api:meeting-detail", args=[meeting.pk]),
        {"status": "held", "minutes_shared": True, "decisions": "Joint booth at FOODEX."},
        format="json",
    )

    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert meeting.status == AlignmentMeeting.Status.HELD
    assert list(meeting.contact_attendees.all()) == [contact]
    assert list(meeting.staff_attendees.all()) == [account_manager]


def test_distributors_and_contacts_cannot_be_deleted(manager_client, distributor):
    contact = factories.ContactFactory(distributor=distributor)

    for url in (
        reverse("api:distributor-detail", args=[distributor.pk]),
        reverse("api:contact-detail", args=[contact.pk]),
    ):
        assert_json_error(manager_client.delete(url), 405)
    assert Distributor.objects.filter(pk=distributor.pk).exists()
    assert Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize(
    "body",
    ['{"name_en": ', "not json at all", "[1, 2", '{"code": "x"}}'],
    ids=["cut-off", "text", "open-list", "extra-brace"],
)
def test_malformed_json_is_a_400(manager_client, distributor, body):
    response = manager_client.generic(
        "PATCH",
        reverse("api:distributor-detail", args=[distributor.pk]),
        body,
        content_type="application/json",
    )

    assert_json_error(response, 400)


@pytest.mark.parametrize(
    "payload",
    [
        [],
        "a string",
        {"code": ["a", "list"], "name_en": {"an": "object"}, "role": 42},
        {"code": "ok-code", "name_en": "Name", "role": "primary_wholesaler", "prefectures": "13"},
        {"code": "ok-code", "name_en": "Name", "role": "primary_wholesaler", "prefectures": [99]},
        {"code": "ok-code", "name_en": "Name", "role": "primary_wholesaler", "upstream": HUGE},
        {"code": "ok-code", "name_en": "Name", "role": "primary_wholesaler", "upstream": "x"},
        {"code": "ok-code", "name_en": "Name", "role": "not-a-role"},
        {"code": "ok-code", "name_en": "N" * 1000, "role": "primary_wholesaler"},
        {"code": "ok-code", "name_en": "Name", "role": "ecommerce", "website": "javascript:x"},
    ],
    ids=[
        "list",
        "string",
        "wrong-types",
        "prefectures-not-list",
        "unknown-prefecture",
        "huge-upstream",
        "text-upstream",
        "unknown-choice",
        "too-long",
        "bad-url",
    ],
)
def test_wrong_types_and_values_are_a_400(manager_client, payload):
    response = manager_client.post(reverse("api:distributor-list"), payload, format="json")

    assert_json_error(response, 400)
    assert not Distributor.objects.filter(code="ok-code").exists()


@pytest.mark.parametrize("endpoint", ["distributor", "contact", "touchpoint", "meeting", "goal"])
@pytest.mark.parametrize("pk", ["999999", str(HUGE), "abc", "-1"])
def test_unknown_ids_are_a_404(manager_client, endpoint, pk):
    url = reverse(f"api:{endpoint}-list") + f"{pk}/"

    assert_json_error(manager_client.get(url), 404)
    if endpoint in ("distributor", "contact", "meeting"):
        assert_json_error(manager_client.patch(url, {"title": "x"}, format="json"), 404)


@pytest.mark.parametrize(
    "query",
    [
        {"distributor": "abc"},
        {"distributor": str(HUGE)},
        {"starts_at_after": "not-a-date"},
        {"starts_at_before": "2026-13-45"},
        {"status": "nonsense"},
    ],
    ids=["text-id", "huge-id", "not-a-date", "impossible-date", "unknown-status"],
)
def test_bad_filters_are_a_400(manager_client, query):
    assert_json_error(manager_client.get(reverse("api:meeting-list"), query), 400)


# Not named `page`: that is Playwright's fixture, and pytest would reorder the suite around
# the parameter, running later database tests after the browser tests flushed the roles.
@pytest.mark.parametrize("number", ["999", str(HUGE), "abc", "-1"])
def test_a_page_beyond_the_last_is_a_404(manager_client, distributor, number):
    assert_json_error(manager_client.get(reverse("api:distributor-list"), {"page": number}), 404)


def test_an_address_that_is_no_endpoint_is_a_json_404(manager_client):
    assert_json_error(manager_client.get("/api/v1/no-such-thing/"), 404)


def test_page_size_is_capped(manager_client):
    factories.DistributorFactory.create_batch(3)

    small = manager_client.get(reverse("api:distributor-list"), {"page_size": 2}).json()
    huge = manager_client.get(reverse("api:distributor-list"), {"page_size": HUGE}).json()

    assert small["count"] == 3
    assert len(small["results"]) == 2
    assert small["next"]
    assert len(huge["results"]) == 3


def test_filters_by_distributor_and_date(manager_client, distributor):
    other = factories.DistributorFactory()
    today = timezone.localdate()
    old = factories.TouchpointFactory(
        distributor=distributor, occurred_on=today - dt.timedelta(days=60)
    )
    recent = factories.TouchpointFactory(distributor=distributor, occurred_on=today)
    factories.TouchpointFactory(distributor=other, occurred_on=today)

    response = manager_client.get(
        reverse("api:touchpoint-list"),
        {
            "distributor": distributor.pk,
            "occurred_on_after": (today - dt.timedelta(days=30)).isoformat(),
        },
    )
    earlier = manager_client.get(
        reverse("api:touchpoint-list"),
        {"occurred_on_before": (today - dt.timedelta(days=30)).isoformat()},
    )

    assert [row["id"] for row in response.json()["results"]] == [recent.pk]
    assert [row["id"] for row in earlier.json()["results"]] == [old.pk]
