"""The activity list across distributors: the entries behind each figure of the trends.

Counts on the page are checked against counts made here, independently, from the data, and
against the figure of the trends that links to them.
"""

import datetime as dt
import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard import selectors
from distributors.models import Distributor, Feedback
from meetings.models import AlignmentMeeting, Touchpoint
from milestones.models import MilestoneEvaluation
from prm import japan_calendar
from tests import factories
from tests.test_dashboard_pages import table_after

pytestmark = pytest.mark.django_db

RETAILER = Distributor.Role.RETAILER_CHAIN
ACTIVITY = reverse("distributors:activity")


@pytest.fixture
def executive_client(client, executive):
    client.force_login(executive)
    return client


def last_full_quarter():
    return selectors.last_quarters(japan_calendar.today())[-2]


def business_day(moment):
    return timezone.localtime(moment).date()


def activity(client, **params):
    response = client.get(f"{ACTIVITY}?{urlencode(params, doseq=True)}")
    assert response.status_code == 200
    return response


def listed(response):
    return {(entry.kind, entry.obj.pk) for entry in response.context["timeline"].entries}


@pytest.fixture
def world():
    """Retailer chains (one archived) and a wholesaler, with some of everything in the last
    full quarter, at its edges and just outside it."""
    quarter = last_full_quarter()
    first, last = quarter.start, quarter.end
    chain = factories.DistributorFactory(role=RETAILER)
    closed = factories.DistributorFactory(role=RETAILER, archived_at=timezone.now())
    wholesaler = factories.DistributorFactory()
    # The quarter in Tokyo: its first hour is still the day before in UTC, and the first
    # hour after it the quarter's last day.
    opening = selectors.business_midnight(first) + dt.timedelta(minutes=30)
    after = selectors.business_midnight(last + dt.timedelta(days=1)) + dt.timedelta(minutes=30)
    for owner in (chain, closed, wholesaler):
        for day in (first, last, first - dt.timedelta(days=1), last + dt.timedelta(days=1)):
            factories.TouchpointFactory(distributor=owner, occurred_on=day)
        milestone = factories.MilestoneFactory(goal=factories.GoalFactory(distributor=owner))
        for day, outcome in ((first, "achieved"), (last, "not_yet"), (last, "achieved")):
            factories.MilestoneEvaluationFactory(
                milestone=milestone, evaluated_on=day, outcome=outcome
            )
        factories.MilestoneEvaluationFactory(
            milestone=milestone, evaluated_on=first - dt.timedelta(days=1)
        )
        for moment, kind in ((opening, "concern"), (opening, "market"), (after, "concern")):
            item = factories.FeedbackFactory(distributor=owner, kind=kind)
            Feedback.objects.filter(pk=item.pk).update(created_at=moment)
    # One advisory board with both retailer chains and the wholesaler: one meeting.
    factories.AlignmentMeetingFactory(
        distributors=[chain, closed, wholesaler], status="held", starts_at=opening
    )
    factories.AlignmentMeetingFactory(distributors=[chain], status="held", starts_at=after)
    factories.AlignmentMeetingFactory(distributors=[chain], status="cancelled", starts_at=opening)
    factories.AlignmentMeetingFactory(distributors=[wholesaler], status="held", starts_at=opening)
    return quarter


def in_quarter(day, quarter):
    return quarter.start <= day <= quarter.end


def expected_entries(quarter, kind, *, outcome="", feedback_kind="", held=False):
    """The retailer chains' entries of the quarter, counted here in Python from the data."""
    retailers = set(Distributor.objects.filter(role=RETAILER).values_list("pk", flat=True))
    if kind == "touchpoint":
        rows = Touchpoint.objects.all()
        return {
            (kind, row.pk)
            for row in rows
            if row.distributor_id in retailers and in_quarter(row.occurred_on, quarter)
        }
    if kind == "meeting":
        return {
            (kind, row.pk)
            for row in AlignmentMeeting.objects.prefetch_related("distributors")
            if {d.pk for d in row.distributors.all()} & retailers
            and in_quarter(business_day(row.starts_at), quarter)
            and (not held or row.status == "held")
        }
    if kind == "evaluation":
        return {
            (kind, row.pk)
            for row in MilestoneEvaluation.objects.select_related("milestone__goal")
            if row.milestone.goal.distributor_id in retailers
            and in_quarter(row.evaluated_on, quarter)
            and (not outcome or row.outcome == outcome)
        }
    return {
        (kind, row.pk)
        for row in Feedback.objects.all()
        if row.distributor_id in retailers
        and in_quarter(business_day(row.created_at), quarter)
        and (not feedback_kind or row.kind == feedback_kind)
    }


FIGURES = [
    ({"kind": "touchpoint"}, "Touchpoints and meetings held", 0, {}),
    ({"kind": "meeting", "held": "1"}, "Touchpoints and meetings held", 1, {"held": True}),
    ({"outcome": "achieved"}, "Milestone outcomes", 1, {"outcome": "achieved"}),
    ({"outcome": "not_yet"}, "Milestone outcomes", 3, {"outcome": "not_yet"}),
    ({"feedback_kind": "concern"}, "Feedback by kind", 3, {"feedback_kind": "concern"}),
    ({"feedback_kind": "market"}, "Feedback by kind", 0, {"feedback_kind": "market"}),
]


@pytest.mark.parametrize(("params", "heading", "column", "narrower"), FIGURES)
def test_each_figure_lists_exactly_the_entries_it_counts(
    executive_client, world, params, heading, column, narrower
):
    quarter = world
    response = activity(executive_client, role=RETAILER, quarter=quarter.key, **params)
    kind = params.get("kind") or ("evaluation" if "outcome" in params else "feedback")
    expected = expected_entries(quarter, kind, **narrower)
    assert expected  # the world has some of each
    assert {entry.kind for entry in response.context["timeline"].entries} == {kind}
    assert listed(response) == expected
    assert response.context["timeline"].count == len(expected)
    # The figure of the trends, with the same filter, is the same number.
    trends = executive_client.get(reverse("dashboard:trends") + f"?role={RETAILER}")
    assert table_after(trends, heading)[str(quarter)][column][0] == str(len(expected))


def test_the_count_says_what_is_counted_and_the_filters_applied(executive_client, world):
    quarter = world
    response = activity(executive_client, role=RETAILER, quarter=quarter.key, kind="touchpoint")
    page = response.content.decode()
    assert f">4 touchpoints in {quarter}</h1>" in page
    assert "Role in the network: Retailer chain" in page
    assert f'href="{reverse("dashboard:trends")}?role={RETAILER}"' in page
    response = activity(executive_client, quarter=quarter.key, outcome="achieved")
    assert f"6 milestone evaluations with the outcome “Achieved” in {quarter}" in unescape(
        response.content.decode()
    )


def test_a_meeting_with_two_selected_distributors_is_listed_once(executive_client, world):
    quarter = world
    response = activity(executive_client, role=RETAILER, quarter=quarter.key, kind="meeting")
    titles = [entry.obj.title for entry in response.context["timeline"].entries]
    assert len(titles) == len(set(titles)) == 2  # the board and the cancelled meeting
    assert response.context["timeline"].count == 2
    # Listed without a distributor of its own: the meeting's page lists them all.
    assert all(entry.distributor is None for entry in response.context["timeline"].entries)


def test_each_entry_names_its_distributor_with_a_link(executive_client, world):
    response = activity(executive_client, role=RETAILER, quarter=world.key, kind="feedback")
    chain = Distributor.objects.get(role=RETAILER, archived_at__isnull=True)
    page = response.content.decode()
    assert f'<a href="{chain.get_absolute_url()}">{chain.name_en}</a>' in page


def test_every_count_of_the_trends_links_to_a_list_of_as_many_entries(executive_client, world):
    response = executive_client.get(reverse("dashboard:trends") + f"?role={RETAILER}")
    page = response.content.decode()
    followed = 0
    for heading in ("Touchpoints and meetings held", "Milestone outcomes", "Feedback by kind"):
        rows = table_after(response, heading)
        del rows["Quarter"]  # the header
        for quarter, cells in rows.items():
            for text, links in cells:
                [link] = links
                assert f"role={RETAILER}" in link
                behind = executive_client.get(unescape(link))
                assert behind.context["timeline"].count == int(text), (heading, quarter, link)
                followed += 1
    assert followed == 8 * (2 + 4 + 4)
    # The links say what they count, for a screen reader that reads them out of the table.
    assert f'aria-label="4 touchpoints in {world}">4</a>' in page


def test_the_on_track_count_links_to_the_distributors_recorded_on_track(executive_client):
    quarter = last_full_quarter()
    on_track = factories.DistributorFactory(role=RETAILER)
    archived = factories.DistributorFactory(role=RETAILER, archived_at=timezone.now())
    red = factories.DistributorFactory(role=RETAILER)
    paused = factories.DistributorFactory(role=RETAILER)
    wholesaler = factories.DistributorFactory()
    for distributor in (on_track, archived, wholesaler):
        factories.SignalSnapshotFactory(distributor=distributor, taken_on=quarter.end)
    factories.SignalSnapshotFactory(distributor=red, taken_on=quarter.end, on_track=False)
    factories.SignalSnapshotFactory(
        distributor=paused, taken_on=quarter.end, lifecycle_status="paused"
    )
    factories.SignalSnapshotFactory(distributor=red, taken_on=quarter.end - dt.timedelta(days=1))

    response = executive_client.get(reverse("dashboard:trends") + f"?role={RETAILER}")
    text, [link] = table_after(response, "Relationships on track")[str(quarter)][1]
    assert text == "2"
    behind = executive_client.get(unescape(link))
    assert {d.pk for d in behind.context["page"].object_list} == {on_track.pk, archived.pk}
    assert behind.context["page"].paginator.count == 2


def test_the_distributor_list_filters_by_the_snapshot_of_a_day(executive_client):
    day = japan_calendar.today() - dt.timedelta(days=3)
    chosen = factories.DistributorFactory.create_batch(3)
    for distributor in chosen:
        factories.SignalSnapshotFactory(distributor=distributor, taken_on=day)
    off_track = factories.DistributorFactory()
    factories.SignalSnapshotFactory(distributor=off_track, taken_on=day, on_track=False)
    factories.SignalSnapshotFactory(distributor=off_track, taken_on=day - dt.timedelta(days=1))
    factories.DistributorFactory()  # no snapshot
    url = reverse("distributors:list") + f"?scope=all&on_track_on={day.isoformat()}"
    response = executive_client.get(url)
    assert {d.pk for d in response.context["page"].object_list} == {d.pk for d in chosen}
    # A day that is not one is a form error, and the list unfiltered.
    response = executive_client.get(
        reverse("distributors:list") + "?scope=all&on_track_on=2026-02-30"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["on_track_on"] == ["Enter a valid date."]
    assert response.context["page"].paginator.count == 5


def test_pages_follow_each_other_without_gaps_or_repeats(executive_client, distributor):
    quarter = last_full_quarter()
    other = factories.DistributorFactory()
    start = selectors.business_midnight(quarter.start)
    for n in range(23):
        day = quarter.start + dt.timedelta(days=n % 5)  # several on one day
        factories.TouchpointFactory(distributor=distributor, occurred_on=day)
        factories.TouchpointFactory(distributor=other, occurred_on=day)
        factories.AlignmentMeetingFactory(
            distributors=[distributor, other], status="held", starts_at=start
        )
    seen = []
    url = f"{ACTIVITY}?quarter={quarter.key}"
    for _page in range(5):
        response = executive_client.get(url)
        assert response.context["timeline"].count == 69
        seen += [(entry.kind, entry.obj.pk) for entry in response.context["timeline"].entries]
        older = re.search(r'id="activity-older" href="([^"]+)"', response.content.decode())
        if older is None:
            break
        url = unescape(older[1])
        assert "before=" in url
    assert len(seen) == len(set(seen)) == 69
    assert set(seen) == {
        ("touchpoint", pk) for pk in Touchpoint.objects.values_list("pk", flat=True)
    } | {("meeting", pk) for pk in AlignmentMeeting.objects.values_list("pk", flat=True)}


@pytest.mark.parametrize(
    "query",
    [
        "kind=nonsense",
        "quarter=FY2026-Q7",
        "quarter=FY0000-Q1",
        "quarter=2026Q1",
        "quarter=" + "Q" * 500,
        "outcome=superb",
        "feedback_kind=gossip",
        "held=maybe",
        "before=not-a-cursor",
        "before=0001-01-01T00:00:00%2B01:00~touchpoint~1",
        "before=2026-01-01T00:00:00%2B00:00~touchpoint~x",
        "page=0",
        "page=abc",
        "page=99999999999",
        "prefecture=abc",
        "account_manager=abc",
        "account_manager=999999",
        "region=Atlantis",
        "role=%00",
    ],
)
def test_bad_parameters_are_explained_or_ignored(executive_client, distributor, query):
    factories.TouchpointFactory(distributor=distributor)
    response = executive_client.get(f"{ACTIVITY}?{query}")
    assert response.status_code in (200, 400, 404)


def test_a_malformed_quarter_is_explained_and_left_out(executive_client, distributor):
    factories.TouchpointFactory(distributor=distributor)
    response = activity(executive_client, quarter="FY2026-Q9", kind="touchpoint")
    assert "Quarter: Give a fiscal quarter as FY2026-Q1." in response.content.decode()
    assert response.context["timeline"].count == 1


@pytest.mark.parametrize(
    ("user", "expected"),
    [("account_manager", 200), ("executive", 200), ("partner_user", 403)],
)
def test_staff_read_the_list_and_distributor_users_get_403(client, request, user, expected):
    client.force_login(request.getfixturevalue(user))
    assert client.get(ACTIVITY).status_code == expected


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get(ACTIVITY)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
