"""The portfolio, the trends and My week keep what they compute from thousands of rows until
what it was computed from changes (prm/signal_inputs.py).

Real transactions here (the other tests roll back one transaction per test, which never
commits and so never replaces the token): a change is seen on the next page load once it
is committed, by any process, and a rolled-back change leaves the kept results alone.
"""

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from dashboard import selectors, services
from dashboard.signals import Level, SignalKey
from distributors.models import (
    Contact,
    Distributor,
    Feedback,
    FeedbackReply,
    Prefecture,
    SharedPlan,
)
from meetings import services as meeting_services
from meetings.models import AgendaItem, AlignmentMeeting, Touchpoint
from milestones.models import Goal, Milestone
from prm import japan_calendar, signal_inputs
from prm.choices import Side
from tests import factories
from tests.test_dashboard_pages import portfolio_rows

pytestmark = pytest.mark.usefixtures("committed_db")


@pytest.fixture
def quiet(account_manager):
    """A distributor added long ago that nobody has been in touch with: its touchpoint
    cadence is overdue."""
    distributor = factories.DistributorFactory(account_manager=account_manager)
    long_ago = timezone.now() - dt.timedelta(days=400)
    Distributor.objects.filter(pk=distributor.pk).update(created_at=long_ago)
    signal_inputs.signal_inputs_changed()  # update() sends no signal
    return distributor


def touchpoint_level(distributor):
    rows = selectors.portfolio_relationships({})
    return next(row for row in rows if row.distributor.pk == distributor.pk).signals[
        SignalKey.TOUCHPOINT
    ]


def touchpoint_cell(client, distributor):
    """The text of the distributor's touchpoint cell on the portfolio."""
    text, _links = portfolio_rows(client.get(reverse("portfolio")))[distributor.name_en][
        "Touchpoints"
    ]
    return text


def test_a_touchpoint_logged_after_the_portfolio_was_read_shows_on_the_next_load(
    client, executive, account_manager, quiet
):
    client.force_login(executive)
    assert touchpoint_cell(client, quiet).startswith("Needs attention overdue")

    meeting_services.do_log_touchpoint(
        logged_by=account_manager,
        distributor=quiet,
        kind=Touchpoint.Kind.SITE_VISIT,
        occurred_on=japan_calendar.today(),
        mood=Touchpoint.Mood.POSITIVE,
    )

    assert touchpoint_cell(client, quiet).startswith("On track due")


def test_a_second_load_reads_the_kept_signals_with_one_query(quiet):
    loads = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            rows = selectors.portfolio_relationships({})
        loads.append((rows, len(queries)))
    (first, computed), (second, kept) = loads
    assert second is first
    assert kept == 1  # the token
    assert computed > kept


def test_the_portfolios_orders_and_counts_are_kept_with_its_rows_and_follow_a_change(
    client, executive, account_manager, quiet
):
    client.force_login(executive)
    rows = selectors.portfolio_relationships({})
    by_name = rows.shown(sort="name", descending=False)
    assert rows.shown(sort="name", descending=False) is by_name
    assert rows.summary.by_status == {Distributor.Status.ACTIVE: 1}
    page = client.get(reverse("portfolio"))
    assert page.context["needs_attention"] == 1

    factories.DistributorFactory(name_en="Aaa Trading", status=Distributor.Status.PILOT)

    kept = selectors.portfolio_relationships({})
    assert kept is not rows
    assert [row.distributor.name_en for row in kept.shown(sort="name", descending=False)][0] == (
        "Aaa Trading"
    )
    assert kept.summary.by_status == {
        Distributor.Status.ACTIVE: 1,
        Distributor.Status.PILOT: 1,
    }
    statuses = {
        label: count for _, label, count, _ in client.get(reverse("portfolio")).context["by_status"]
    }
    assert statuses["Pilot"] == 1 and statuses["Active"] == 1


def test_the_kept_orders_follow_the_readers_language(executive):
    factories.DistributorFactory(name_en="Alpha", role=Distributor.Role.IMPORT_AGENT)
    factories.DistributorFactory(name_en="Beta", role=Distributor.Role.PRIMARY_WHOLESALER)
    rows = selectors.portfolio_relationships({})

    def names(**sorting):
        return [row.distributor.name_en for row in rows.shown(**sorting)]

    # "Import agent" before "Primary wholesaler"; 一次卸 before 輸入代理店.
    assert names(sort="role", descending=False) == ["Alpha", "Beta"]
    with translation.override("ja"):
        assert names(sort="role", descending=False) == ["Beta", "Alpha"]
    assert names(sort="role", descending=False) == ["Alpha", "Beta"]
    assert names(sort="name", descending=True) == ["Beta", "Alpha"]


def test_the_trends_keep_their_links_in_each_readers_language(client, executive, quiet):
    factories.TouchpointFactory(distributor=quiet, occurred_on=japan_calendar.today())
    client.force_login(executive)
    english = client.get(reverse("dashboard:trends")).context["figures"]
    assert client.get(reverse("dashboard:trends")).context["figures"] is english
    assert english[-1].touchpoints_link["label"].startswith("1 touchpoint in ")

    # Not save(): the reader's language is no input of the figures, and a save would
    # replace the token.
    type(executive).objects.filter(pk=executive.pk).update(language="ja")
    japanese = client.get(reverse("dashboard:trends")).context["figures"]
    assert japanese[-1].touchpoints_link["label"].endswith("の接点 1 件")
    assert japanese[-1].touchpoints_link["url"] == english[-1].touchpoints_link["url"]
    assert selectors.portfolio_trends({})[-1].touchpoints == 1


def test_my_week_and_the_trends_follow_a_change_too(client, account_manager, quiet):
    client.force_login(account_manager)
    assert quiet.name_en in client.get(reverse("my_week")).content.decode()
    before = selectors.portfolio_trends({})

    factories.TouchpointFactory(distributor=quiet, occurred_on=japan_calendar.today())

    after = selectors.portfolio_trends({})
    assert after[-1].touchpoints == before[-1].touchpoints + 1
    due = client.get(reverse("my_week")).context["due_distributors"]
    states = next(row.states for row in due if row.distributor.pk == quiet.pk)
    assert "touchpoint" not in [state.kind for state in states]


def test_an_uncommitted_change_is_read_by_its_own_transaction_and_kept_from_others(quiet):
    first = touchpoint_level(quiet)
    assert first.level == Level.RED

    def read_elsewhere():
        try:
            return touchpoint_level(quiet)
        finally:
            connection.close()

    with transaction.atomic():
        factories.TouchpointFactory(distributor=quiet, occurred_on=japan_calendar.today())
        assert touchpoint_level(quiet).level == Level.GREEN
        with ThreadPoolExecutor(max_workers=1) as other_request:
            assert other_request.submit(read_elsewhere).result() is first
        transaction.set_rollback(True)
    assert touchpoint_level(quiet) is first


def test_a_change_rolled_back_to_its_savepoint_leaves_the_kept_results(quiet):
    first = touchpoint_level(quiet)
    with transaction.atomic():
        try:
            with transaction.atomic():
                factories.TouchpointFactory(distributor=quiet)
                raise DatabaseError("the form's second step failed")
        except DatabaseError:
            pass
        assert touchpoint_level(quiet) is first


def test_a_result_computed_before_a_change_does_not_push_out_one_computed_after(quiet):
    newer = []

    def slow_relationships():
        rows = selectors.relationships(Distributor.objects.active())
        # Meanwhile, a change commits and another request keeps its own result.
        factories.TouchpointFactory(distributor=quiet, occurred_on=japan_calendar.today())
        newer.append(selectors.portfolio_relationships({}))
        return rows

    today = japan_calendar.today()
    signal_inputs.cached("relationships", (today, ()), slow_relationships)
    assert selectors.portfolio_relationships({}) is newer[0]
    assert touchpoint_level(quiet).level == Level.GREEN


@pytest.fixture
def world(quiet):
    """What the changes below change, saved before the results are kept."""
    factories.TouchpointFactory(distributor=quiet, occurred_on=dt.date(2025, 1, 6))
    factories.ContactFactory(distributor=quiet)
    factories.MilestoneFactory(goal__distributor=quiet)
    factories.AlignmentMeetingFactory(status=AlignmentMeeting.Status.HELD)
    factories.FeedbackFactory(distributor=quiet)
    return quiet


# Each saves, deletes or links rows of one watched model, and nothing else.
def _touchpoint(distributor, manager):
    factories.TouchpointFactory(distributor=distributor)


def _deleted_touchpoint(distributor, manager):
    Touchpoint.objects.get(distributor=distributor).delete()


def _joined_meeting(distributor, manager):
    AlignmentMeeting.objects.get().distributors.add(distributor)


def _reply(distributor, manager):
    FeedbackReply.objects.create(feedback=Feedback.objects.get(), author=manager, body="Thanks.")


def _archived(distributor, manager):
    distributor.archived_at = timezone.now()
    distributor.save(update_fields=["archived_at"])


def _senior_contact(distributor, manager):
    contact = Contact.objects.get(distributor=distributor)
    contact.seniority = Contact.Seniority.EXECUTIVE
    contact.save()


def _cadence(distributor, manager):
    factories.CadenceFactory(distributor=distributor, touchpoint_interval_weeks=52)


def _dropped_goal(distributor, manager):
    goal = Goal.objects.get(distributor=distributor)
    goal.status = Goal.Status.DROPPED
    goal.save(update_fields=["status"])


def _moved_milestone(distributor, manager):
    milestone = Milestone.objects.get()
    milestone.target_date -= dt.timedelta(days=365)
    milestone.save()


def _evaluation(distributor, manager):
    factories.MilestoneEvaluationFactory(milestone=Milestone.objects.get())


def _snapshot(distributor, manager):
    services.do_snapshot_signals(japan_calendar.today())


def _covered_prefecture(distributor, manager):
    distributor.prefectures.add(Prefecture.objects.get(code=13))


def _renamed_prefecture(distributor, manager):
    prefecture = Prefecture.objects.get(code=13)
    prefecture.name_en = "Tokyo Metropolis"
    prefecture.save()


def _renamed_manager(distributor, manager):
    manager.first_name = "Haruka"
    manager.save(update_fields=["first_name"])


@pytest.mark.parametrize(
    "change",
    [
        _touchpoint,
        _deleted_touchpoint,
        _joined_meeting,
        _reply,
        _archived,
        _senior_contact,
        _cadence,
        _dropped_goal,
        _moved_milestone,
        _evaluation,
        _snapshot,
        _covered_prefecture,
        _renamed_prefecture,
        _renamed_manager,
    ],
)
def test_each_kind_of_change_replaces_the_kept_results(change, account_manager, world):
    kept = selectors.portfolio_relationships({}), selectors.portfolio_trends({})
    assert selectors.portfolio_relationships({}) is kept[0]

    change(world, account_manager)

    assert selectors.portfolio_relationships({}) is not kept[0]
    assert selectors.portfolio_trends({}) is not kept[1]


def _signed_in(client, user):
    client.force_login(user)


def _language_chosen(client, user):
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})


def _settings_saved(client, user):
    client.post(reverse("profile"), {"language": "ja", "time_zone": "Europe/Berlin"})
    user.refresh_from_db()
    assert str(user.time_zone) == "Europe/Berlin"


def _joined_a_role(client, user):
    user.groups.add(Group.objects.get(name="Executive"))


@pytest.mark.parametrize("what", [_signed_in, _language_chosen, _settings_saved, _joined_a_role])
def test_what_no_signal_reads_keeps_the_results(what, client, account_manager, quiet):
    client.force_login(account_manager)
    kept = selectors.portfolio_relationships({})
    what(client, account_manager)
    assert selectors.portfolio_relationships({}) is kept


def test_the_kept_signals_speak_the_language_of_each_reader(quiet):
    english = touchpoint_level(quiet)
    english_reason = english.reason
    with translation.override("ja"):
        japanese = touchpoint_level(quiet)
        japanese_reason = japanese.reason
    assert japanese is english
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", japanese_reason), japanese_reason
    assert english.reason == english_reason != japanese_reason


def test_a_kept_row_of_the_portfolio_is_drawn_in_each_reader_language(client, executive, quiet):
    client.force_login(executive)
    url = reverse("portfolio")
    assert "Account manager:" in client.get(url).content.decode()
    japanese = client.get(url, headers={"accept-language": "ja"}).content.decode()
    assert "担当営業：" in japanese and "要対応" in japanese
    assert "Account manager:" not in japanese
    assert "Account manager:" in client.get(url).content.decode()


def test_the_kept_signals_are_computed_again_on_the_next_business_day(quiet):
    first = touchpoint_level(quiet)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        assert touchpoint_level(quiet) is not first


def test_results_that_depend_on_the_clock_expire(quiet, monkeypatch):
    first = touchpoint_level(quiet)
    later = signal_inputs._clock() + signal_inputs.LIFETIME_SECONDS + 1
    monkeypatch.setattr(signal_inputs, "_clock", lambda: later)
    assert touchpoint_level(quiet) is not first


def test_a_change_is_saved_when_its_token_cannot_be_written(quiet, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise DatabaseError("the token's row is locked")

    monkeypatch.setattr(signal_inputs, "_bump", refuse)
    meeting_services.do_log_touchpoint(
        logged_by=quiet.account_manager,
        distributor=quiet,
        kind=Touchpoint.Kind.CALL,
        occurred_on=japan_calendar.today(),
        mood=Touchpoint.Mood.NEUTRAL,
    )
    assert Touchpoint.objects.filter(distributor=quiet).count() == 1
    assert "the token's row is locked" in caplog.text


# My week's lists: kept under the token of their own group, apart from the signals'.


@pytest.fixture
def week(account_manager):
    """A distributor of the manager with something on each of My week's lists but the
    cadences', and its portal user."""
    distributor = factories.DistributorFactory(account_manager=account_manager)
    partner = factories.PortalUserFactory(portal_contact__distributor=distributor)
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
    factories.ActionItemFactory(meeting=meeting, owner_user=account_manager)
    factories.AgendaItemFactory(
        meeting=meeting,
        title="Obon stock levels",
        proposer_side=Side.DISTRIBUTOR,
        proposed_by=partner,
        status=AgendaItem.Status.PROPOSED,
    )
    factories.FeedbackFactory(distributor=distributor)
    factories.GoalAgreementFactory(
        goal__distributor=distributor,
        goal__title="Three new retailers in Kansai",
        side=Side.DISTRIBUTOR,
        accepted_by=partner,
        accepted_at=timezone.now(),
    )
    # Not accepted, not read yet.
    factories.GoalFactory(distributor=distributor, title="A regional pilot in Hokkaido")
    factories.SharedPlanFactory(title="2027 Kansai plan")
    return distributor


def my_week_context(client):
    return client.get(reverse("my_week")).context


def test_my_weeks_lists_are_kept_and_read_again_with_none_of_their_queries(
    client, account_manager, week
):
    client.force_login(account_manager)
    first = my_week_context(client)
    assert [item.title for item in first["agenda_proposals"]] == ["Obon stock levels"]
    with CaptureQueriesContext(connection) as queries:
        second = my_week_context(client)
    assert second["agenda_proposals"] is first["agenda_proposals"]
    assert second["portal_activity"] is first["portal_activity"]
    read = " ".join(query["sql"] for query in queries.captured_queries)
    for table in ("meetings_actionitem", "meetings_agendaitem", "distributors_feedback"):
        assert table not in read


# Each changes one model My week's lists read, and says what My week shows after it.
def _action_item_added(distributor, manager):
    meeting = AlignmentMeeting.objects.get(distributors=distributor)
    factories.ActionItemFactory(
        meeting=meeting, owner_user=manager, description="Book the Obon trucks"
    )
    return lambda week: "Book the Obon trucks" in [i.description for i in week["action_items"]]


def _agenda_item_decided(distributor, manager):
    meeting_services.do_decide_agenda_item(
        AgendaItem.objects.get(title="Obon stock levels"),
        status=AgendaItem.Status.ACCEPTED,
        decided_by=manager,
    )
    return lambda week: list(week["agenda_proposals"]) == []


def _feedback_received(distributor, manager):
    factories.FeedbackFactory(distributor=distributor, subject="Late deliveries in Osaka")
    return lambda week: week["new_feedback"][0].subject == "Late deliveries in Osaka"


def _feedback_acknowledged(distributor, manager):
    feedback = Feedback.objects.get(distributor=distributor)
    feedback.status = Feedback.Status.ACKNOWLEDGED
    feedback.save()
    return lambda week: list(week["new_feedback"]) == []


def _plan_read(distributor, manager):
    partner = Contact.objects.get(distributor=distributor).portal_user
    plan = SharedPlan.objects.get(title="2027 Kansai plan")
    factories.SharedPlanAcknowledgementFactory(user=partner, plan=plan)
    return lambda week: "read the shared plan “2027 Kansai plan”" in week["portal_activity"][0].text


def _goal_accepted(distributor, manager):
    partner = Contact.objects.get(distributor=distributor).portal_user
    factories.GoalAgreementFactory(
        goal=Goal.objects.get(title="A regional pilot in Hokkaido"),
        side=Side.DISTRIBUTOR,
        accepted_by=partner,
        accepted_at=timezone.now() + dt.timedelta(seconds=1),
    )
    return lambda week: "“A regional pilot in Hokkaido”" in week["portal_activity"][0].text


def _goal_retitled(distributor, manager):
    goal = Goal.objects.get(title="Three new retailers in Kansai")
    goal.title = "Four new retailers in Kansai"
    goal.save()
    return lambda week: "“Four new retailers in Kansai”" in week["portal_activity"][0].text


def _partner_renamed(distributor, manager):
    partner = Contact.objects.get(distributor=distributor).portal_user
    partner.first_name, partner.last_name = "Hanako", "Mori"
    partner.save(update_fields=["first_name", "last_name"])
    return lambda week: week["portal_activity"][0].text.startswith("Hanako Mori accepted")


def _meeting_joined(distributor, manager):
    factories.AlignmentMeetingFactory(title="Kansai pilot review").distributors.add(distributor)
    return lambda week: "Kansai pilot review" in [meeting.title for meeting in week["meetings"]]


def _meeting_cancelled(distributor, manager):
    meeting = AlignmentMeeting.objects.get(distributors=distributor)
    meeting.status = AlignmentMeeting.Status.CANCELLED
    meeting.save()
    return lambda week: list(week["meetings"]) == []


def _distributor_renamed(distributor, manager):
    distributor.name_en = "Kansai Foods Trading"
    distributor.save()
    return lambda week: week["new_feedback"][0].distributor.name_en == "Kansai Foods Trading"


def _distributor_handed_over(distributor, manager):
    distributor.account_manager = factories.AccountManagerFactory()
    distributor.save()
    return lambda week: list(week["new_feedback"]) == list(week["portal_activity"]) == []


@pytest.mark.parametrize(
    "change",
    [
        _action_item_added,
        _agenda_item_decided,
        _feedback_received,
        _feedback_acknowledged,
        _plan_read,
        _goal_accepted,
        _goal_retitled,
        _partner_renamed,
        _meeting_joined,
        _meeting_cancelled,
        _distributor_renamed,
        _distributor_handed_over,
    ],
)
def test_each_change_to_what_my_week_lists_shows_on_its_next_load(
    change, client, account_manager, week
):
    client.force_login(account_manager)
    kept = my_week_context(client)
    assert my_week_context(client)["portal_activity"] is kept["portal_activity"]

    shows = change(week, account_manager)

    assert not shows(kept)
    assert shows(my_week_context(client))


def test_each_account_manager_sees_only_their_own_kept_lists(client, account_manager, week):
    other = factories.AccountManagerFactory()
    theirs = factories.DistributorFactory(account_manager=other)
    factories.FeedbackFactory(distributor=theirs, subject="Their feedback")
    client.force_login(account_manager)
    mine = my_week_context(client)

    client.force_login(other)
    seen = my_week_context(client)

    assert [item.subject for item in seen["new_feedback"]] == ["Their feedback"]
    assert list(seen["action_items"]) == list(seen["portal_activity"]) == []
    assert week.name_en not in client.get(reverse("my_week")).content.decode()
    client.force_login(account_manager)
    assert my_week_context(client)["new_feedback"] is mine["new_feedback"]


def test_an_action_item_done_in_the_portal_replaces_the_kept_lists(client, account_manager, week):
    """An update() of one row, which sends no signal, replaces the token all the same. (A
    distributor's item is on no account manager's list: the token is what is tested.)"""
    partner = Contact.objects.get(distributor=week).portal_user
    item = factories.ActionItemFactory(
        meeting=AlignmentMeeting.objects.get(distributors=week), owner_side=Side.DISTRIBUTOR
    )
    client.force_login(account_manager)
    kept = my_week_context(client)["portal_activity"]
    assert my_week_context(client)["portal_activity"] is kept

    assert meeting_services.do_complete_action_item(item, completed_by=partner)

    assert my_week_context(client)["portal_activity"] is not kept


def test_a_change_to_my_weeks_lists_keeps_the_portfolio_and_the_other_way_round(
    client, account_manager, week
):
    client.force_login(account_manager)
    portfolio = selectors.portfolio_relationships({})
    lists = my_week_context(client)["portal_activity"]

    _action_item_added(week, account_manager)
    assert selectors.portfolio_relationships({}) is portfolio
    assert my_week_context(client)["portal_activity"] is not lists
    lists = my_week_context(client)["portal_activity"]

    factories.TouchpointFactory(distributor=week, occurred_on=japan_calendar.today())
    assert my_week_context(client)["portal_activity"] is lists
    assert selectors.portfolio_relationships({}) is not portfolio


def test_my_weeks_kept_lists_speak_the_language_of_each_reader(client, account_manager, week):
    client.force_login(account_manager)
    english = my_week_context(client)["portal_activity"]
    assert "accepted version 1 of the goal “Three new retailers in Kansai”" in english[0].text
    japanese = client.get(reverse("my_week"), headers={"accept-language": "ja"}).context
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", japanese["portal_activity"][0].text)
    assert my_week_context(client)["portal_activity"] is english


def test_a_change_to_my_week_while_the_portfolio_is_computed_leaves_the_portfolio_kept(
    client, account_manager, week
):
    client.force_login(account_manager)
    computed = []

    def slow_relationships():
        computed.append(True)
        rows = selectors.relationships(Distributor.objects.active())
        # Meanwhile, an action item is added and My week read with the new token.
        _action_item_added(week, account_manager)
        my_week_context(client)
        return rows

    today = japan_calendar.today()
    kept = signal_inputs.cached("relationships", (today, ()), slow_relationships)
    assert signal_inputs.cached("relationships", (today, ()), slow_relationships) is kept
    assert computed == [True]


def test_tokens_read_before_a_change_do_not_push_out_the_results_kept_after_it(
    quiet, monkeypatch
):
    stale = signal_inputs._tokens()
    factories.TouchpointFactory(distributor=quiet, occurred_on=japan_calendar.today())
    newer = selectors.portfolio_relationships({})
    assert selectors.portfolio_relationships({}) is newer

    # A slow request that read the tokens before the change reaches the cache only now.
    with monkeypatch.context() as slow:
        slow.setattr(signal_inputs, "_tokens", lambda: stale)
        assert selectors.portfolio_relationships({}) is not newer

    assert selectors.portfolio_relationships({}) is newer
