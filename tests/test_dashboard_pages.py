"""The executive dashboard: portfolio, trends, account managers, summary, exports, snapshots.

Figures on the pages are checked against counts made here, independently, from the data.
"""

import csv
import datetime as dt
import io
import re
import statistics
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from dashboard import selectors, services, tasks
from dashboard.models import SignalSnapshot
from distributors.models import Contact, Distributor, Feedback, Prefecture
from meetings.models import AlignmentMeeting, Touchpoint
from milestones.models import Milestone, MilestoneEvaluation
from prm import japan_calendar
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

Outcome = MilestoneEvaluation.Outcome


def today():
    return japan_calendar.today()


def days_ago(days):
    return today() - dt.timedelta(days=days)


@pytest.fixture
def executive_client(client, executive):
    client.force_login(executive)
    return client


class _Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts, and the links of each cell."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._links = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell, self._links = [], []
        elif tag == "a" and self._links is not None:
            self._links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            text = re.sub(r"\s+", " ", "".join(self._cell)).strip()
            self.tables[-1][-1].append((text, self._links))
            self._cell = self._links = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(response):
    assert response.status_code == 200, response.status_code
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def table_after(response, heading):
    """The first table after the heading with this text, as {row header: [cells]}."""
    page = response.content.decode()
    start = page.index(f">{heading}</h2>")
    parser = _Tables()
    parser.feed(page[start:])
    return {row[0][0]: row[1:] for row in parser.tables[0] if row}


def portfolio_rows(response):
    """The relationships table, in order: {English name: {column label: (text, links)}}."""
    table = next(t for t in tables(response) if t and t[0] and t[0][0][0].startswith("Distrib"))
    header = [text.rstrip(" ▲▼") for text, _links in table[0]]
    names = [row.distributor.name_en for row in response.context["page"].object_list]
    assert len(names) == len(table) - 1
    return {
        name: dict(zip(header, row, strict=True))
        for name, row in zip(names, table[1:], strict=True)
    }


# --- access ---------------------------------------------------------------------------------


def dashboard_urls(distributor):
    return [
        reverse("portfolio"),
        reverse("dashboard:trends"),
        reverse("dashboard:account_managers"),
        reverse("dashboard:summary", args=[distributor.pk]),
        reverse("dashboard:export_csv"),
        reverse("dashboard:export_xlsx"),
    ]


def test_executives_and_account_managers_open_every_page(client, executive, distributor):
    for user in (executive, distributor.account_manager):
        client.force_login(user)
        for url in dashboard_urls(distributor):
            assert client.get(url).status_code == 200, url


def test_distributor_users_get_403_and_anonymous_users_the_login(client, partner_user, distributor):
    for url in dashboard_urls(distributor):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(partner_user)
    for url in dashboard_urls(distributor):
        assert client.get(url).status_code == 403, url


def test_the_snapshot_schedule_is_registered_for_beat():
    task = PeriodicTask.objects.get(task="dashboard.snapshot_signals")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")
    assert str(task.crontab.timezone) == "Asia/Tokyo"


# --- portfolio: counts and drill-down -------------------------------------------------------


def test_counts_by_status_and_role_equal_the_data_and_link_to_the_workspace_list(
    executive_client,
):
    factories.DistributorFactory.create_batch(3, status="active", role="primary_wholesaler")
    factories.DistributorFactory.create_batch(2, status="pilot", role="retailer_chain")
    factories.DistributorFactory(status="at_risk", role="cold_chain")
    factories.DistributorFactory(status="active", archived_at=timezone.now())  # not counted
    response = executive_client.get(reverse("portfolio"))

    by_status = table_after(response, "By lifecycle status")
    for value, label in Distributor.Status.choices:
        expected = Distributor.objects.active().filter(status=value).count()
        text, links = by_status[str(label)][0]
        assert int(text) == expected, label
        listed = executive_client.get(links[0])
        assert listed.context["page"].paginator.count == expected, label
    by_role = table_after(response, "By role in the network")
    assert by_role["Retailer chain"][0][0] == "2"
    assert parse_qs(urlsplit(by_role["Retailer chain"][0][1][0]).query) == {
        "scope": ["all"],
        "role": ["retailer_chain"],
    }
    assert "6 partners" in response.content.decode()


def test_signal_counts_link_to_the_relationships_behind_them(executive_client):
    quiet = factories.DistributorFactory(name_en="Quiet Partner")
    Distributor.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - dt.timedelta(400))
    fresh = factories.DistributorFactory(name_en="Fresh Partner")
    factories.TouchpointFactory(distributor=fresh, occurred_on=days_ago(3))
    response = executive_client.get(reverse("portfolio"))
    signal_table = table_after(response, "Signals across the portfolio")
    red_count, links = signal_table["Touchpoints"][0]  # the "Needs attention" column
    assert red_count == "1"
    assert links[0].startswith("?")  # the same page, filtered
    behind = executive_client.get(reverse("portfolio") + links[0])
    assert [row.distributor for row in behind.context["page"].object_list] == [quiet]
    assert "Showing only the relationships where" in behind.content.decode()


def test_each_signal_links_to_the_timeline_entries_behind_it(executive_client, distributor):
    response = executive_client.get(reverse("portfolio"))
    row = portfolio_rows(response)[distributor.name_en]
    timeline = reverse("distributors:timeline", args=[distributor.pk])
    expected = {
        "Alignment meetings": ["meeting"],
        "Touchpoints": ["touchpoint", "meeting"],
        "Senior contact": ["touchpoint", "meeting"],
        "Milestones": ["evaluation"],
        "Feedback": ["feedback"],
        "Mood trend": ["touchpoint"],
        "Open concerns": ["touchpoint", "feedback"],
    }
    for column, kinds in expected.items():
        _text, links = row[column]
        url = urlsplit(links[0])
        assert url.path == timeline
        assert parse_qs(url.query) == {"kind": kinds}
        page = executive_client.get(links[0])
        assert page.status_code == 200
        assert page.context["timeline_form"].cleaned_data["kind"] == kinds


def test_milestone_and_feedback_figures_equal_independent_counts(executive_client, distributor):
    now = timezone.now()
    current = japan_calendar.fiscal_quarter(today())
    previous = japan_calendar.fiscal_quarter(current.start - dt.timedelta(days=1))
    goal = factories.GoalFactory(distributor=distributor)

    def milestone(target, *evaluations, **kwargs):
        made = factories.MilestoneFactory(goal=goal, target_date=target, **kwargs)
        for on, outcome in evaluations:
            factories.MilestoneEvaluationFactory(milestone=made, evaluated_on=on, outcome=outcome)
        return made

    milestone(previous.start, (previous.start, Outcome.ACHIEVED))
    milestone(previous.end, (previous.end, Outcome.EXCEEDED))
    milestone(previous.start + dt.timedelta(days=3), (previous.start, Outcome.PARTLY))
    milestone(previous.start + dt.timedelta(days=5))  # passed, never evaluated
    milestone(previous.start, status=Milestone.Status.CANCELLED)
    milestone(previous.start - dt.timedelta(days=1))  # before the window
    milestone(today() + dt.timedelta(days=20))  # not yet due
    milestone(
        previous.start - dt.timedelta(days=30), (previous.start - dt.timedelta(1), Outcome.ACHIEVED)
    )
    # Independent counts from the rules as the page states them.
    since = previous.start
    achieved = [
        m
        for m in Milestone.objects.filter(goal=goal)
        if any(
            e.outcome in ("achieved", "exceeded") and since <= e.evaluated_on <= today()
            for e in m.evaluations.all()
        )
    ]
    missed = [
        m
        for m in Milestone.objects.filter(goal=goal)
        if since <= m.target_date < today()
        and m.status != "cancelled"
        and not any(e.outcome in ("achieved", "exceeded") for e in m.evaluations.all())
    ]
    assert (len(achieved), len(missed)) == (2, 2)

    waits = []
    for hours, replied_after in [(200, 30), (100, 10), (50, None)]:
        item = factories.FeedbackFactory(distributor=distributor, kind="concern")
        Feedback.objects.filter(pk=item.pk).update(created_at=now - dt.timedelta(hours=hours))
        if replied_after is not None:
            reply = factories.FeedbackReplyFactory(
                feedback=item, author=distributor.account_manager
            )
            type(reply).objects.filter(pk=reply.pk).update(
                created_at=now - dt.timedelta(hours=hours - replied_after)
            )
            waits.append(replied_after)
    closed = factories.FeedbackFactory(distributor=distributor, kind="concern", status="addressed")
    assert closed.status == "addressed"
    open_items = Feedback.objects.filter(
        distributor=distributor, status__in=["new", "acknowledged", "in_progress"]
    )

    response = executive_client.get(reverse("portfolio"))
    row = portfolio_rows(response)[distributor.name_en]
    milestones_text = row["Milestones"][0]
    assert f"{len(achieved)} achieved · {len(missed)} missed" in milestones_text
    assert milestones_text.startswith("Watch ")  # as many missed as achieved: amber
    feedback_text = row["Feedback"][0]
    assert f"{open_items.count()} open" in feedback_text
    assert f"median first reply {statistics.median(waits):.0f} hours" in feedback_text
    assert "the oldest unanswered has waited 2.1 days" in feedback_text
    concerns_text = row["Open concerns"][0]
    assert concerns_text.startswith("Needs attention 3 ")  # three open concerns: red
    assert "3 concerns sent through the portal are open" in concerns_text


def test_senior_contact_shows_the_days_since_and_goes_red_past_the_cadence(
    executive_client, distributor
):
    senior = factories.ContactFactory(
        distributor=distributor, seniority=Contact.Seniority.EXECUTIVE
    )
    last = japan_calendar.add_months(today(), -7)
    factories.TouchpointFactory(distributor=distributor, occurred_on=last).contacts.add(senior)
    row = portfolio_rows(executive_client.get(reverse("portfolio")))[distributor.name_en]
    text = row["Senior contact"][0]
    assert text.startswith(f"Needs attention {(today() - last).days} days ")
    # (The table parser reads the no-break space of "7 months" as a space.)
    assert "No senior-level contact for 7 months; the cadence asks for one every 6 months." in text


# --- portfolio: sorting and filters ---------------------------------------------------------


def make_overdue(distributor, days=400):
    Distributor.objects.filter(pk=distributor.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days)
    )


def test_needs_attention_first_by_default_and_sorting_by_a_signal(executive_client):
    calm = factories.DistributorFactory(name_en="Alpha Calm")
    factories.TouchpointFactory(distributor=calm, occurred_on=days_ago(2))
    worst = factories.DistributorFactory(name_en="Zeta Worst")
    make_overdue(worst, 800)
    middle = factories.DistributorFactory(name_en="Mid Partner")
    make_overdue(middle, 400)
    factories.TouchpointFactory(distributor=middle, occurred_on=days_ago(2))

    response = executive_client.get(reverse("portfolio"))
    assert list(portfolio_rows(response)) == ["Zeta Worst", "Mid Partner", "Alpha Calm"]
    assert 'aria-sort="descending"' in response.content.decode()

    by_touchpoint = executive_client.get(reverse("portfolio") + "?sort=touchpoint&dir=desc")
    assert list(portfolio_rows(by_touchpoint))[0] == "Zeta Worst"
    by_name = executive_client.get(reverse("portfolio") + "?sort=name&dir=asc")
    assert list(portfolio_rows(by_name)) == ["Alpha Calm", "Mid Partner", "Zeta Worst"]
    page = by_name.content.decode()
    header = re.search(r'<th scope="col" aria-sort="ascending">\s*<a href="([^"]+)"', page)
    assert "sort=name" in header.group(1) and "dir=desc" in header.group(1)
    assert page.count("aria-sort=") == 1


def test_filters_by_prefecture_region_role_status_and_account_manager(executive_client):
    tokyo, osaka, kyoto = (Prefecture.objects.get(code=code) for code in (13, 27, 26))
    manager = factories.AccountManagerFactory()
    a = factories.DistributorFactory(name_en="Tokyo Partner", account_manager=manager)
    a.prefectures.add(tokyo)
    b = factories.DistributorFactory(name_en="Kansai Partner", role="retailer_chain")
    b.prefectures.add(osaka, kyoto)
    c = factories.DistributorFactory(name_en="Paused Partner", status="paused")
    c.prefectures.add(osaka)

    def names(**params):
        response = executive_client.get(reverse("portfolio"), params)
        return sorted(portfolio_rows(response))

    assert names(prefecture=tokyo.pk) == ["Tokyo Partner"]
    assert names(region="Kansai") == ["Kansai Partner", "Paused Partner"]  # once each
    assert names(role="retailer_chain") == ["Kansai Partner"]
    assert names(status="paused") == ["Paused Partner"]
    assert names(account_manager=manager.pk) == ["Tokyo Partner"]
    # The counts link to the workspace list with the same filters, which finds the same.
    response = executive_client.get(reverse("portfolio"), {"region": "Kansai"})
    link = re.search(r'href="([^"]+)">2 partners</a>', response.content.decode()).group(1)
    listed = executive_client.get(link.replace("&amp;", "&"))
    assert sorted(d.name_en for d in listed.context["page"].object_list) == [
        "Kansai Partner",
        "Paused Partner",
    ]


def test_the_workspace_list_filters_by_region(executive_client):
    hokkaido = factories.DistributorFactory(name_en="Northern Partner")
    hokkaido.prefectures.add(Prefecture.objects.get(code=1))
    factories.DistributorFactory(name_en="Elsewhere").prefectures.add(
        Prefecture.objects.get(code=13)
    )
    with CaptureQueriesContext(connection) as captured:
        response = executive_client.get(reverse("distributors:list"), {"region": "Hokkaido"})
    assert [d.name_en for d in response.context["page"].object_list] == ["Northern Partner"]
    page = response.content.decode()
    assert '<label class="form-label small mb-1" for="id_region">Region</label>' in page
    assert '<option value="Hokkaido" selected>Hokkaido</option>' in page
    # Checked, then drawn: the regions are read once.
    regions = [q for q in captured.captured_queries if 'AS "first"' in q["sql"]]
    assert len(regions) == 1


def test_paused_relationships_give_no_cadence_signal(executive_client):
    paused = factories.DistributorFactory(name_en="Paused Partner", status="paused")
    make_overdue(paused)
    row = portfolio_rows(executive_client.get(reverse("portfolio")))["Paused Partner"]
    assert row["Alignment meetings"][0].startswith("No signal not tracked")


# --- exports --------------------------------------------------------------------------------


def test_csv_export_has_a_bom_and_one_row_per_distributor_in_the_filter(executive_client):
    tokyo = Prefecture.objects.get(code=13)
    inside = factories.DistributorFactory.create_batch(3, name_ja="東京の取引先")
    for distributor in inside:
        distributor.prefectures.add(tokyo)
    factories.DistributorFactory.create_batch(2)
    response = executive_client.get(reverse("dashboard:export_csv"), {"prefecture": tokyo.pk})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row["Partner code"] for row in rows) == sorted(d.code for d in inside)
    assert {row["Name (Japanese)"] for row in rows} == {"東京の取引先"}
    assert {row["Prefectures"] for row in rows} == {"Tokyo"}
    assert rows[0]["Senior contact: level"] in {"Needs attention", "Watch", "On track"}
    assert rows[0]["Senior contact: reason"]


def test_xlsx_export_opens_in_openpyxl_with_the_same_rows(executive_client):
    factories.DistributorFactory.create_batch(4)
    response = executive_client.get(reverse("dashboard:export_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Partner code", "Name (English)")
    assert len(rows) == 1 + 4


# --- account managers -----------------------------------------------------------------------


def test_account_manager_view_groups_the_signals_by_manager(executive_client):
    first, second = factories.AccountManagerFactory(), factories.AccountManagerFactory()
    late = factories.DistributorFactory.create_batch(2, account_manager=first)
    for distributor in late:
        make_overdue(distributor)
    factories.DistributorFactory(account_manager=second)
    response = executive_client.get(reverse("dashboard:account_managers"))
    portfolios = response.context["portfolios"]
    assert [p.manager for p in portfolios] == [first, second]  # most in need first
    assert [len(p.rows) for p in portfolios] == [2, 1]
    assert (portfolios[0].reds, portfolios[1].reds) == (2, 0)
    balance = table_after(response, "Balance")
    partners, links = balance[str(first)][0]
    assert partners == "2"
    assert parse_qs(urlsplit(links[0]).query)["account_manager"] == [str(first.pk)]


def test_each_balance_count_links_to_the_relationships_it_counts(executive_client):
    manager = factories.AccountManagerFactory()
    red = factories.DistributorFactory(name_en="Red Partner", account_manager=manager)
    make_overdue(red)
    amber = factories.DistributorFactory(name_en="Amber Partner", account_manager=manager)
    factories.FeedbackFactory(distributor=amber, kind="concern")  # one open concern: amber
    factories.DistributorFactory(name_en="Green Partner", account_manager=manager)
    factories.DistributorFactory(name_en="Someone Else's")
    balance = table_after(executive_client.get(reverse("dashboard:account_managers")), "Balance")
    partners, reds, ambers, greens = balance[str(manager)]
    assert [partners[0], reds[0], ambers[0], greens[0]] == ["3", "1", "1", "1"]
    for (_count, links), name in [(reds, "Red"), (ambers, "Amber"), (greens, "Green")]:
        behind = executive_client.get(links[0])
        assert list(portfolio_rows(behind)) == [f"{name} Partner"]
        assert "as a whole (1)" in behind.content.decode()
        # The CSV of the page exports the same relationships.
        export = executive_client.get(
            reverse("dashboard:export_csv") + "?" + urlsplit(links[0]).query
        )
        exported = csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))
        assert [row["Name (English)"] for row in exported] == [f"{name} Partner"]


def test_account_manager_view_lists_the_ten_most_in_need_and_links_to_the_rest(
    executive_client, account_manager
):
    factories.DistributorFactory.create_batch(12, account_manager=account_manager)
    response = executive_client.get(reverse("dashboard:account_managers"))
    section = response.content.decode().split('id="manager-1"')[1]
    assert section.count('<th scope="row">') == 10
    link = reverse("portfolio") + f"?account_manager={account_manager.pk}"
    assert f'href="{link}">All 12 relationships of this portfolio</a>' in section


# --- trends ---------------------------------------------------------------------------------


def test_trend_figures_equal_independent_counts_per_quarter(executive_client, distributor):
    quarters = selectors.last_quarters(today())
    goal = factories.GoalFactory(distributor=distributor)
    milestone = factories.MilestoneFactory(goal=goal)
    other = factories.DistributorFactory()
    for index, quarter in enumerate(quarters):
        for n in range(index % 3 + 1):
            factories.TouchpointFactory(distributor=distributor, occurred_on=quarter.start)
            factories.MilestoneEvaluationFactory(
                milestone=milestone,
                evaluated_on=quarter.start + dt.timedelta(days=n),
                outcome=[Outcome.ACHIEVED, Outcome.NOT_YET, Outcome.EXCEEDED][n],
            )
        # Start of the quarter in Tokyo, which is still the previous day in UTC.
        starts = selectors.business_midnight(quarter.start) + dt.timedelta(hours=1)
        factories.AlignmentMeetingFactory(
            distributors=[distributor, other], status="held", starts_at=starts
        )
        item = factories.FeedbackFactory(distributor=distributor, kind="concern")
        Feedback.objects.filter(pk=item.pk).update(created_at=starts)
    before = quarters[0].start - dt.timedelta(days=1)
    factories.TouchpointFactory(distributor=distributor, occurred_on=before)  # too old

    response = executive_client.get(reverse("dashboard:trends"))
    activity = table_after(response, "Touchpoints and meetings held")
    outcomes = table_after(response, "Milestone outcomes")
    feedback = table_after(response, "Feedback by kind")
    for quarter in quarters:
        in_quarter = {"gte": quarter.start, "lte": quarter.end}
        touchpoints = Touchpoint.objects.filter(
            occurred_on__gte=in_quarter["gte"], occurred_on__lte=in_quarter["lte"]
        ).count()
        meetings = sum(
            1
            for m in AlignmentMeeting.objects.filter(status="held")
            if japan_calendar.fiscal_quarter(timezone.localtime(m.starts_at).date()) == quarter
        )
        achieved = MilestoneEvaluation.objects.filter(
            outcome="achieved", evaluated_on__gte=quarter.start, evaluated_on__lte=quarter.end
        ).count()
        concerns = sum(
            1
            for f in Feedback.objects.filter(kind="concern")
            if japan_calendar.fiscal_quarter(timezone.localtime(f.created_at).date()) == quarter
        )
        label = str(quarter)
        assert [cell[0] for cell in activity[label]] == [str(touchpoints), str(meetings)]
        assert outcomes[label][1][0] == str(achieved)  # columns: exceeded, achieved, ...
        assert feedback[label][3][0] == str(concerns)  # columns: market, ..., concern
    assert "<svg" in response.content.decode()


def test_on_track_share_is_read_from_the_snapshots_not_recomputed(executive_client):
    quarters = selectors.last_quarters(today())
    healthy = factories.DistributorFactory.create_batch(4)
    for distributor in healthy:
        factories.TouchpointFactory(distributor=distributor, occurred_on=days_ago(1))
    previous = quarters[-2]
    # On the quarter's last day, 1 of 4 was on track; earlier that quarter all were.
    for index, distributor in enumerate(healthy):
        factories.SignalSnapshotFactory(
            distributor=distributor, taken_on=previous.end, on_track=index == 0
        )
        factories.SignalSnapshotFactory(distributor=distributor, taken_on=previous.start)
    # Paused relationships do not count in the share.
    factories.SignalSnapshotFactory(taken_on=previous.end, lifecycle_status="paused")
    response = executive_client.get(reverse("dashboard:trends"))
    on_track = table_after(response, "Relationships on track")
    assert [cell[0] for cell in on_track[str(previous)]][1:] == ["1", "4", "25 %"]
    assert on_track[str(quarters[0])][0][0] == "No snapshot in this quarter."


# --- snapshots ------------------------------------------------------------------------------


def test_snapshot_stores_each_distributor_once_a_day_and_is_safe_to_run_twice():
    red = factories.DistributorFactory()
    make_overdue(red)
    factories.DistributorFactory()
    factories.DistributorFactory(archived_at=timezone.now())
    day = today()
    assert services.do_snapshot_signals(day) == 2
    assert services.do_snapshot_signals(day) == 0
    assert tasks.snapshot_signals() == 0  # the task's day is today, already taken
    assert SignalSnapshot.objects.count() == 2
    snapshot = SignalSnapshot.objects.get(distributor=red)
    assert (snapshot.touchpoint, snapshot.on_track) == ("red", False)
    assert snapshot.reasons["touchpoint"].startswith("No touchpoint or meeting since")
    assert services.do_snapshot_signals(day + dt.timedelta(days=1)) == 2


def test_snapshot_command_runs_todays_snapshot(distributor):
    out = io.StringIO()
    call_command("snapshot_signals", stdout=out)
    call_command("snapshot_signals", stdout=out)
    assert out.getvalue() == "1 snapshot(s) created.\n0 snapshot(s) created.\n"
    assert SignalSnapshot.objects.get().taken_on == today()


# --- summary --------------------------------------------------------------------------------


def test_summary_tells_the_relationship_story(executive_client, distributor):
    top = factories.DistributorFactory(name_en="Import Agent Top", role="import_agent")
    Distributor.objects.filter(pk=distributor.pk).update(upstream=top)
    child = factories.DistributorFactory(name_en="Downstream Child", upstream=distributor)
    factories.DistributorFactory(name_en="Grandchild Store", upstream=child)
    factories.DistributorFactory(name_en="Sibling Elsewhere", upstream=top)
    boss = factories.ContactFactory(
        distributor=distributor, name_latin="Kenji Boss", seniority="executive", title="CEO"
    )
    factories.ContactFactory(
        distributor=distributor, name_latin="Aya Front", seniority="front_line"
    )
    touchpoint = factories.TouchpointFactory(
        distributor=distributor, mood="concern", notes="Worried about spring stock."
    )
    touchpoint.contacts.add(boss)
    goal = factories.GoalFactory(distributor=distributor, title="Kansai drugstore channel")
    milestone = factories.MilestoneFactory(goal=goal, title="Osaka pilot")
    factories.MilestoneEvaluationFactory(
        milestone=milestone, outcome="partly", narrative="Seven of ten stores ran it."
    )
    factories.FeedbackFactory(distributor=distributor, subject="Late deliveries in Kobe")
    factories.FeedbackFactory(distributor=distributor, subject="Solved one", status="addressed")

    response = executive_client.get(reverse("dashboard:summary", args=[distributor.pk]))
    page = response.content.decode()
    for text in [
        "Kansai drugstore channel",
        "Osaka pilot",
        "Partly achieved",
        "Seven of ten stores ran it.",
        "Worried about spring stock.",
        "Mood: Concern",
        "Late deliveries in Kobe",
        "Kenji Boss",
        "Aya Front",
        "Import Agent Top",
        "Downstream Child",
        "Grandchild Store",
        "css/dashboard",
    ]:
        assert text in page, text
    assert "Solved one" not in page
    assert "Sibling Elsewhere" not in page
    tree = response.context["tree"]
    assert tree.current and [n.distributor for n in tree.children] == [child]
    assert [d.name_en for d in response.context["upstream_chain"]] == ["Import Agent Top"]
    signal_rows = table_after(response, "Signals")
    assert list(signal_rows)[1:] == [
        "Alignment meetings",
        "Touchpoints",
        "Senior contact",
        "Milestones",
        "Feedback",
        "Mood trend",
        "Open concerns",
    ]


def test_the_print_stylesheet_hides_the_controls():
    css = open("static/css/dashboard.css").read()
    print_rules = css[css.index("@media print") :]
    assert ".navbar" in print_rules and "display: none" in print_rules


# --- query counts ---------------------------------------------------------------------------


def populate(rows):
    """`rows` distributors with some of everything, downstream of one busy distributor."""
    now = timezone.now()
    manager = factories.AccountManagerFactory()
    busy = factories.DistributorFactory(
        account_manager=manager, upstream=factories.DistributorFactory()
    )
    tokyo = Prefecture.objects.get(code=13)
    for index in range(rows):
        distributor = factories.DistributorFactory(account_manager=manager, upstream=busy)
        distributor.prefectures.add(tokyo)
        factories.DistributorFactory(upstream=distributor)
        for owner in (distributor, busy):
            contact = factories.ContactFactory(distributor=owner, seniority="executive")
            touchpoint = factories.TouchpointFactory(
                distributor=owner, occurred_on=days_ago(index), mood="concern"
            )
            touchpoint.contacts.add(contact)
            touchpoint.staff.add(manager)
            factories.AlignmentMeetingFactory(
                distributors=[owner], status="held", starts_at=now - dt.timedelta(days=index)
            )
            goal = factories.GoalFactory(distributor=owner, owner_ours=manager)
            milestone = factories.MilestoneFactory(goal=goal, target_date=days_ago(index))
            factories.MilestoneEvaluationFactory(milestone=milestone, evaluated_on=days_ago(1))
            feedback = factories.FeedbackFactory(distributor=owner)
            factories.FeedbackReplyFactory(feedback=feedback, author=manager)
            factories.SignalSnapshotFactory(distributor=owner, taken_on=days_ago(index))
    return busy


@pytest.mark.parametrize(
    "url_of",
    [
        lambda busy: reverse("portfolio"),
        lambda busy: reverse("portfolio") + "?sort=senior_contact&level=red",
        lambda busy: reverse("dashboard:trends"),
        lambda busy: reverse("dashboard:account_managers"),
        lambda busy: reverse("dashboard:summary", args=[busy.pk]),
        lambda busy: reverse("dashboard:export_csv"),
    ],
    ids=["portfolio", "portfolio-sorted", "trends", "account-managers", "summary", "csv"],
)
def test_pages_make_the_same_number_of_queries_for_5_and_50_distributors(executive_client, url_of):
    counts = []
    for rows in (5, 50):
        Distributor.objects.update(upstream=None)
        Distributor.objects.all().delete()
        busy = populate(rows)
        counts.append(count_queries(executive_client, url_of(busy)))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 30, counts


def test_a_name_that_looks_like_a_formula_is_exported_as_text(executive_client):
    factories.DistributorFactory(name_en='=HYPERLINK("https://evil.example","x")')
    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                executive_client.get(reverse("dashboard:export_csv")).content.decode("utf-8-sig")
            )
        )
    )
    assert csv_rows[0]["Name (English)"] == '\'=HYPERLINK("https://evil.example","x")'
    response = executive_client.get(reverse("dashboard:export_xlsx"))
    cell = openpyxl.load_workbook(io.BytesIO(response.content)).active["B2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")
