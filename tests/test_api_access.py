"""The REST API (issue 8, item 5): every endpoint × role, and a distributor's token scoped
to its own distributor's shared rows, as in the portal."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from figures import services as figure_services
from figures.models import FigureKind, FigureSource
from meetings.models import AlignmentMeeting
from prm import japan_calendar
from tests import factories
from tests.test_portal_isolation import hidden_ids
from tests.urls import converters, routes

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "distributor",
    "contact",
    "touchpoint",
    "meeting",
    "goal",
    "milestone",
    "figure-kind",
    "figure",
]
ROLES = ["anonymous", "distributor", "manager", "executive"]
ACTIONS = ["list", "detail", "create", "update"]

# What each role gets, by action; the exceptions below.
EXPECTED = {
    "anonymous": {"list": 401, "detail": 401, "create": 401, "update": 401},
    "distributor": {"list": 200, "detail": 200, "create": 403, "update": 403},
    "manager": {"list": 200, "detail": 200, "create": 201, "update": 200},
    "executive": {"list": 200, "detail": 200, "create": 403, "update": 403},
}
EXCEPTIONS = {
    # Touchpoints are our own notes: the portal never shows them, nor does the API.
    ("distributor", "touchpoint", "detail"): 404,
    # Touchpoints are logged once; goals and milestones are read only.
    ("manager", "touchpoint", "update"): 405,
    ("manager", "goal", "create"): 405,
    ("manager", "goal", "update"): 405,
    ("manager", "milestone", "create"): 405,
    ("manager", "milestone", "update"): 405,
    ("manager", "figure-kind", "create"): 405,
    ("manager", "figure-kind", "update"): 405,
    # Figures are written in bulk (200 with the counts), by us and by the distributor for
    # its own figures; each value is corrected by writing it again.
    ("manager", "figure", "create"): 200,
    ("distributor", "figure", "create"): 200,
    ("manager", "figure", "update"): 405,
    ("distributor", "figure", "update"): 405,
}


def token_client(user):
    client = APIClient()
    if user is not None:
        token = Token.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def rows_of(world):
    """{endpoint: a row of `world`}, for the detail and update requests."""
    return {
        "distributor": world["distributor"],
        "contact": world["contact"],
        "touchpoint": world["touchpoint"],
        "meeting": world["meeting"],
        "goal": world["goal"],
        "milestone": world["milestone"],
        "figure-kind": world["figure"].kind,
        "figure": world["figure"],
    }


def last_month():
    return (japan_calendar.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def build_world(distributor, label, manager):
    contact = factories.ContactFactory(
        distributor=distributor, name_latin=f"{label} Contact", email=f"{label.lower()}@x.jp"
    )
    touchpoint = factories.TouchpointFactory(
        distributor=distributor,
        notes=f"{label} visit",
        unspoken_concerns=f"{label} unspoken worry",
    )
    touchpoint.contacts.set([contact])
    meeting = factories.AlignmentMeetingFactory(
        distributors=[distributor],
        title=f"{label} alignment",
        minutes_market_trends=f"{label} minutes",
    )
    goal = factories.GoalFactory(distributor=distributor, title=f"{label} goal", owner_ours=manager)
    milestone = factories.MilestoneFactory(goal=goal, title=f"{label} milestone")
    factories.MilestoneEvaluationFactory(milestone=milestone, narrative=f"{label} evaluation")
    figure, _ = figure_services.do_record_figure(
        user=manager,
        distributor=distributor,
        kind=FigureKind.objects.get(code="sell_in_amount"),
        month=last_month(),
        category=None,
        value=Decimal("1200000"),
        source=FigureSource.STAFF,
    )
    return {
        "distributor": distributor,
        "contact": contact,
        "touchpoint": touchpoint,
        "meeting": meeting,
        "goal": goal,
        "milestone": milestone,
        "figure": figure,
    }


@pytest.fixture
def own(distributor, account_manager):
    distributor.notes = "Own internal note"
    distributor.save()
    return build_world(distributor, "Own", account_manager)


@pytest.fixture
def zebra(account_manager):
    zebra = factories.DistributorFactory(
        name_en="Zebra Trading", notes="Zebra internal note", account_manager=account_manager
    )
    return build_world(zebra, "Zebra", account_manager)


@pytest.fixture
def users(partner_user, account_manager, executive):
    return {
        "anonymous": None,
        "distributor": partner_user,
        "manager": account_manager,
        "executive": executive,
    }


def create_payload(endpoint, world):
    distributor = world["distributor"]
    starts = timezone.now() + dt.timedelta(days=10)
    return {
        "distributor": {
            "code": "new-partner",
            "name_en": "New Partner KK",
            "role": "primary_wholesaler",
            "prefectures": [13, 27],
        },
        "contact": {
            "distributor": distributor.pk,
            "name_latin": "Hanako Sato",
            "seniority": "executive",
            "email": "hanako.sato@partner.example.jp",
        },
        "touchpoint": {
            "distributor": distributor.pk,
            "kind": "call",
            "occurred_on": timezone.localdate().isoformat(),
            "contacts": [world["contact"].pk],
            "notes": "Asked about the spring catalogue.",
        },
        "meeting": {
            "title": "Spring alignment",
            "distributors": [distributor.pk],
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=1)).isoformat(),
        },
        "goal": {"title": "Not writable"},
        "milestone": {"title": "Not writable"},
        "figure-kind": {"code": "not-writable"},
        "figure": [
            {
                "distributor": distributor.pk,
                "kind": "sell_in_units",
                "month": f"{last_month():%Y-%m}",
                "value": "3400",
            }
        ],
    }[endpoint]


UPDATE_PAYLOAD = {
    "distributor": {"name_en": "Renamed Trading"},
    "contact": {"title": "Director"},
    "touchpoint": {"notes": "Changed afterwards"},
    "meeting": {"title": "Renamed alignment"},
    "goal": {"title": "Changed"},
    "milestone": {"title": "Changed"},
    "figure-kind": {"name_en": "Changed"},
    "figure": {"value": "1"},
}


def request(client, action, endpoint, world):
    if action == "list":
        return client.get(reverse(f"api:{endpoint}-list"))
    if action == "create":
        return client.post(
            reverse(f"api:{endpoint}-list"), create_payload(endpoint, world), format="json"
        )
    url = reverse(f"api:{endpoint}-detail", args=[rows_of(world)[endpoint].pk])
    if action == "detail":
        return client.get(url)
    return client.patch(url, UPDATE_PAYLOAD[endpoint], format="json")


MATRIX = list(itertools.product(ENDPOINTS, ROLES, ACTIONS))


def test_the_matrix_covers_every_api_endpoint_and_role():
    api_routes = {name for name, _ in routes() if name.startswith("api:")}
    covered = {f"api:{endpoint}-{kind}" for endpoint in ENDPOINTS for kind in ("list", "detail")}
    assert api_routes - {"api:schema", "api:docs"} == covered
    # The number the closing note reports.
    assert len(MATRIX) == 128


@pytest.mark.parametrize(("endpoint", "role", "action"), MATRIX)
def test_endpoint_by_role(endpoint, role, action, users, own, zebra):
    response = request(token_client(users[role]), action, endpoint, own)

    expected = EXCEPTIONS.get((role, endpoint, action), EXPECTED[role][action])
    assert response.status_code == expected, response.content
    assert response["Content-Type"] == "application/json"
    if expected >= 400:
        assert response.json()["detail"]
    if role == "distributor" and action == "list":
        body = response.json()
        rows = body if endpoint == "figure-kind" else body["results"]
        if endpoint == "touchpoint":
            assert rows == []
        else:
            assert rows, endpoint
        assert "Zebra" not in response.content.decode()


def test_anonymous_request_is_told_how_to_authenticate():
    response = APIClient().get(reverse("api:distributor-list"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e != "figure-kind"])
def test_distributor_token_never_sees_another_distributors_row(endpoint, partner_user, own, zebra):
    client = token_client(partner_user)

    listed = client.get(reverse(f"api:{endpoint}-list"), {"page_size": 200})
    theirs = client.get(reverse(f"api:{endpoint}-detail", args=[rows_of(zebra)[endpoint].pk]))

    assert rows_of(zebra)[endpoint].pk not in {row["id"] for row in listed.json()["results"]}
    assert "Zebra" not in listed.content.decode()
    assert theirs.status_code == 404
    assert theirs.json()["detail"]
    assert "Zebra" not in theirs.content.decode()


def test_distributor_filter_naming_another_distributor_is_refused(partner_user, own, zebra):
    client = token_client(partner_user)

    response = client.get(reverse("api:meeting-list"), {"distributor": zebra["distributor"].pk})

    assert response.status_code == 400
    assert "distributor" in response.json()["errors"]
    assert "Zebra" not in response.content.decode()


def test_no_api_url_gives_a_distributor_token_another_distributors_row(partner_user, own, zebra):
    """Every API route with an id, tried with every id the portal hides from the user."""
    client = token_client(partner_user)
    ids = sorted(hidden_ids(partner_user))
    tried = 0
    for name, chain in routes():
        if not name.startswith("api:") or "pk" not in converters(chain):
            continue
        suffix = {"format": "json"} if "format" in converters(chain) else {}
        for pk in ids:
            response = client.get(reverse(name, kwargs={"pk": pk, **suffix}))
            assert response.status_code == 404, (name, pk)
            assert "Zebra" not in response.content.decode()
            tried += 1
    assert tried >= len(ids) * len(ENDPOINTS)


def test_distributor_token_sees_no_internal_fields(partner_user, own):
    client = token_client(partner_user)
    distributor = own["distributor"]

    detail = client.get(reverse("api:distributor-detail", args=[distributor.pk])).json()
    listing = client.get(reverse("api:distributor-list")).content.decode()

    for hidden in ("notes", "account_manager", "executive_sponsor", "upstream"):
        assert hidden not in detail
    assert detail["code"] == distributor.code
    assert "Own internal note" not in listing
    assert "unspoken" not in client.get(reverse("api:touchpoint-list")).content.decode()


def test_staff_tokens_see_the_internal_fields(executive, own):
    client = token_client(executive)

    distributor = client.get(reverse("api:distributor-detail", args=[own["distributor"].pk]))
    touchpoint = client.get(reverse("api:touchpoint-detail", args=[own["touchpoint"].pk]))

    assert distributor.json()["notes"] == "Own internal note"
    assert touchpoint.json()["unspoken_concerns"] == "Own unspoken worry"


def test_distributor_token_reads_minutes_only_once_shared(partner_user, own):
    client = token_client(partner_user)
    meeting = own["meeting"]
    url = reverse("api:meeting-detail", args=[meeting.pk])

    before = client.get(url).json()
    meeting.minutes_shared = True
    meeting.save()
    after = client.get(url).json()

    assert before["minutes_market_trends"] is None
    assert "Own minutes" not in str(before)
    assert after["minutes_market_trends"] == "Own minutes"


def test_advisory_board_shows_a_distributor_token_only_its_own_side(
    partner_user, own, zebra, account_manager
):
    board = factories.AlignmentMeetingFactory(
        kind=AlignmentMeeting.Kind.ADVISORY_BOARD,
        distributors=[own["distributor"], zebra["distributor"]],
        title="Kansai advisory board",
    )
    board.contact_attendees.set([own["contact"], zebra["contact"]])
    board.staff_attendees.set([account_manager])

    mine = token_client(partner_user).get(reverse("api:meeting-detail", args=[board.pk])).json()
    ours = token_client(account_manager).get(reverse("api:meeting-detail", args=[board.pk])).json()

    assert mine["distributors"] == [own["distributor"].pk]
    assert mine["contact_attendees"] == [own["contact"].pk]
    assert mine["staff_attendees"] == [str(account_manager)]
    assert sorted(ours["distributors"]) == sorted([own["distributor"].pk, zebra["distributor"].pk])


def test_milestone_evaluations_not_shared_are_hidden_from_a_distributor_token(
    partner_user, own, executive
):
    factories.MilestoneEvaluationFactory(
        milestone=own["milestone"], narrative="Between us only", shared_with_distributor=False
    )
    url = reverse("api:milestone-detail", args=[own["milestone"].pk])

    theirs = token_client(partner_user).get(url).json()
    ours = token_client(executive).get(url).json()

    assert [e["narrative"] for e in theirs["evaluations"]] == ["Own evaluation"]
    assert {e["narrative"] for e in ours["evaluations"]} == {"Own evaluation", "Between us only"}
    assert theirs["distributor"] == own["distributor"].pk


def test_a_login_without_role_is_refused(own):
    response = token_client(factories.UserFactory()).get(reverse("api:distributor-list"))

    assert response.status_code == 403
    assert response.json()["detail"]


def test_revoked_portal_access_stops_the_token(partner_user, own):
    client = token_client(partner_user)
    assert client.get(reverse("api:goal-list")).status_code == 200

    partner_user.is_active = False
    partner_user.save()

    assert client.get(reverse("api:goal-list")).status_code == 401
