"""The reminder scans and the delivery of each reminder, in the test process.

Time is frozen on Monday 2026-06-01, 09:00 in Tokyo. Queuing a delivery task is recorded,
not sent to a broker (`queued`); tests/test_reminder_faults.py runs real workers.
"""

import datetime as dt
import importlib
import io
import math
import threading
from smtplib import SMTPServerDisconnected
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError

from distributors.models import Distributor, Feedback
from meetings import reminders, tasks
from meetings.cadences import CadenceKind, cadence_states
from meetings.models import AlignmentMeeting, Reminder, Touchpoint
from meetings.services import do_deliver_reminder
from milestones.models import Milestone, MilestoneEvaluation
from prm.celery import app
from tests import factories
from tests.processes import wait_until

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
D = dt.date
TODAY = D(2026, 6, 1)
ADDED_ON = D(2026, 1, 5)  # alignment overdue since 04-05, touchpoint since 02-16
Kind, State = Reminder.Kind, Reminder.State
BEAT_TASKS = {
    "Reminders: daily cadence scan": "meetings.scan_cadences",
    "Reminders: quarterly touchpoint planning": "meetings.plan_quarter",
    "Reminders: seasonal peaks": "meetings.warn_seasonal_peaks",
    "Reminders: weekly executive digest": "meetings.send_executive_digest",
    "Reminders: sweeper": "meetings.sweep_pending_reminders",
}


def in_tokyo(day, hour=9):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(in_tokyo(TODAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def queued(monkeypatch):
    """The ids of the reminders whose delivery was queued, in order."""
    ids = []
    monkeypatch.setattr(tasks.deliver_reminder, "delay", ids.append)
    return ids


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a scan as beat does: its on-commit callbacks (the queuing) run after it."""

    def run(scan, today=TODAY):
        with django_capture_on_commit_callbacks(execute=True):
            return scan(today)

    return run


def make_distributor(added=ADDED_ON, **fields):
    distributor = factories.DistributorFactory(**fields)
    Distributor.objects.filter(pk=distributor.pk).update(created_at=in_tokyo(added))
    return Distributor.objects.get(pk=distributor.pk)


def touchpoint(distributor, day, **fields):
    return factories.TouchpointFactory(distributor=distributor, occurred_on=day, **fields)


def only_touchpoints_count(distributor):
    """Alignment and senior contact on track for a year: only touchpoints fall due."""
    factories.CadenceFactory(
        distributor=distributor, alignment_interval_months=12, senior_contact_interval_months=24
    )


def rows():
    return set(Reminder.objects.values_list("kind", "distributor", "recipient", "period", "state"))


# --- the cadence scan ------------------------------------------------------------------


def test_cadence_scan_reminds_the_account_manager_of_what_is_due(account_manager, queued, run):
    distributor = make_distributor(account_manager=account_manager)
    touchpoint(distributor, D(2026, 4, 27))  # every 6 weeks: due on 06-08, due soon
    factories.AlignmentMeetingFactory(
        distributors=[distributor],
        starts_at=in_tokyo(D(2026, 3, 20), 14),
        status=AlignmentMeeting.Status.HELD,
    )  # quarterly: due on 06-20, on track; senior contact due on 07-05, on track
    for quiet in (
        {"archived_at": timezone.now()},
        {"status": Distributor.Status.PAUSED},
        {"status": Distributor.Status.ENDED},
        {"account_manager": None},
    ):
        make_distributor(**{"account_manager": account_manager, **quiet})

    created = run(reminders.do_scan_cadences)

    reminder = Reminder.objects.get()
    assert rows() == {
        (Kind.TOUCHPOINT_DUE, distributor.pk, account_manager.pk, "2026-06-08", State.PENDING)
    }
    assert reminder.due_on == D(2026, 6, 8)
    assert reminder.message == cadence_states(distributor, TODAY)[CadenceKind.TOUCHPOINT].reason
    assert reminder.message == (
        "Last touchpoint or meeting on April 27, 2026; the next is due by June 8, 2026."
    )
    assert created == queued == [reminder.pk]


def test_overdue_for_longer_than_the_threshold_goes_to_the_executive_sponsor(
    settings, account_manager, executive, run, queued
):
    settings.PRM_ESCALATE_AFTER_DAYS = 30
    account_manager.first_name, account_manager.last_name = "Kenji", "Sato"
    account_manager.save()
    people = {"account_manager": account_manager, "executive_sponsor": executive}
    thirty = make_distributor(**people)
    thirty_one = make_distributor(**people)
    no_sponsor = make_distributor(account_manager=account_manager)
    for distributor in (thirty, thirty_one, no_sponsor):
        only_touchpoints_count(distributor)
    touchpoint(thirty, D(2026, 3, 21))  # due on 05-02: overdue for 30 days
    touchpoint(thirty_one, D(2026, 3, 20))  # due on 05-01: overdue for 31 days
    touchpoint(no_sponsor, D(2026, 3, 1))

    run(reminders.do_scan_cadences)

    am, sponsor, due = account_manager.pk, executive.pk, Kind.TOUCHPOINT_DUE
    assert rows() == {
        (due, thirty.pk, am, "2026-05-02", State.PENDING),
        (due, thirty_one.pk, am, "2026-05-01", State.PENDING),
        (due, no_sponsor.pk, am, "2026-04-12", State.PENDING),
        (Kind.CADENCE_ESCALATED, thirty_one.pk, sponsor, "touchpoint-2026-05-01", State.PENDING),
    }
    escalation = Reminder.objects.get(kind=Kind.CADENCE_ESCALATED)
    assert escalation.message == (
        "No touchpoint or meeting for 2\xa0months; the cadence asks for one every 6 weeks.\n"
        "Overdue for 31 days. You receive this as the executive sponsor; "
        "Kenji Sato is the account manager."
    )
    assert escalation.get_absolute_url() == thirty_one.get_absolute_url()


def test_the_scan_run_twice_creates_each_reminder_once(
    account_manager, executive, run, queued, frozen
):
    for _ in range(3):
        make_distributor(account_manager=account_manager, executive_sponsor=executive)

    first = run(reminders.do_scan_cadences)
    assert len(first) == 3 * 4  # alignment and touchpoint overdue, each escalated
    assert run(reminders.do_scan_cadences) == []
    frozen.move_to(in_tokyo(TODAY + dt.timedelta(days=1)))  # still the same due dates
    assert run(reminders.do_scan_cadences, TODAY + dt.timedelta(days=1)) == []

    assert Reminder.objects.count() == len(first)
    assert queued == first


def test_a_new_account_manager_gets_the_reminder_too(account_manager, run, queued):
    distributor = make_distributor(account_manager=account_manager)
    only_touchpoints_count(distributor)
    run(reminders.do_scan_cadences)
    successor = factories.AccountManagerFactory()
    Distributor.objects.filter(pk=distributor.pk).update(account_manager=successor)

    assert len(run(reminders.do_scan_cadences)) == 1
    assert set(Reminder.objects.values_list("recipient", "period")) == {
        (account_manager.pk, "2026-02-16"),
        (successor.pk, "2026-02-16"),
    }


def waiting_on_a_lock():
    """How many connections to this database wait for a row another one has not committed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.usefixtures("committed_db")
def test_two_scans_at_once_create_each_reminder_once(account_manager, executive, queued):
    for _ in range(50):
        make_distributor(account_manager=account_manager, executive_sponsor=executive)
    expected = 50 * 4  # alignment and touchpoint overdue, each escalated
    if connection.vendor == "postgresql":
        # The hardest overlap, on two connections: the second scan decides and inserts
        # while the first one's rows are not committed yet. Its INSERT must wait for them,
        # then skip them.
        first, second = [], []
        started, inserted, release = threading.Barrier(2), threading.Event(), threading.Event()

        def scan_and_hold():
            try:
                started.wait(timeout=10)
                with transaction.atomic():
                    first.extend(reminders.do_scan_cadences(TODAY))
                    inserted.set()
                    release.wait(timeout=30)
            finally:
                connections.close_all()  # this thread's connection

        def scan_meanwhile():
            try:
                started.wait(timeout=10)
                inserted.wait(timeout=30)
                second.extend(reminders.do_scan_cadences(TODAY))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=scan_and_hold), threading.Thread(target=scan_meanwhile)]
        for thread in threads:
            thread.start()
        blocked = wait_until(lambda: waiting_on_a_lock() > 0, timeout=30)
        release.set()
        for thread in threads:
            thread.join(timeout=60)
        assert blocked, "the second scan never waited for the first one's rows"
        assert not any(thread.is_alive() for thread in threads)
        assert (len(first), second) == (expected, [])
    else:
        # SQLite takes one writer at a time (transaction_mode IMMEDIATE): a second scan
        # could only wait for the first, so this variant runs them one after the other.
        first = reminders.do_scan_cadences(TODAY)
        second = reminders.do_scan_cadences(TODAY)
        assert (len(first), second) == (expected, [])

    assert Reminder.objects.count() == expected
    assert sorted(queued) == sorted(first)


def insert_batches(created):
    """The INSERT statements bulk_create needs for `created` rows on this database.

    One on PostgreSQL; Django 5.2 keeps SQLite under 999 parameters per statement.
    """
    fields = [field for field in Reminder._meta.concrete_fields if not field.primary_key]
    return math.ceil(len(created) / connection.ops.bulk_batch_size(fields, created))


SCANS = [
    reminders.do_scan_cadences,
    reminders.do_plan_quarter,
    reminders.do_warn_seasonal_peaks,
    reminders.do_send_executive_digest,
]


@pytest.mark.parametrize("scan", SCANS, ids=lambda scan: scan.__name__)
def test_a_scan_makes_a_fixed_number_of_queries(scan, queued):
    managers = factories.AccountManagerFactory.create_batch(3)
    executives = factories.ExecutiveFactory.create_batch(2)

    def add(count):
        for n in range(count):
            distributor = make_distributor(
                account_manager=managers[n % 3], executive_sponsor=executives[n % 2]
            )
            touchpoint(distributor, D(2026, 5, 25), mood=Touchpoint.Mood.CONCERN)
            factories.FeedbackFactory(distributor=distributor, kind=Feedback.Kind.CONCERN)
            milestone = factories.MilestoneFactory(
                goal__distributor=distributor, target_date=D(2026, 5, 28)
            )
            factories.MilestoneEvaluationFactory(milestone=milestone, evaluated_on=D(2026, 5, 29))

    counts = []
    for count in (5, 45):  # 5 distributors, then 50
        add(count)
        Reminder.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            created = scan(TODAY)
        assert created
        inserts = [q for q in captured.captured_queries if q["sql"].startswith("INSERT")]
        assert len(inserts) == insert_batches(created)
        counts.append(len(captured) - len(inserts))
    assert counts[0] == counts[1], counts


# --- quarterly planning, seasonal peaks, the executive digest ---------------------------


@pytest.mark.parametrize(
    "today, period",
    [
        (D(2027, 1, 3), None),  # Sunday; 1 January is a holiday, the 2nd a Saturday
        (D(2027, 1, 4), "FY2026-Q4"),  # the quarter's first business day
        (D(2027, 2, 15), "FY2026-Q4"),  # later in the quarter: for a manager it missed
        (D(2026, 3, 31), "FY2025-Q4"),
        (D(2026, 4, 1), "FY2026-Q1"),  # the fiscal year starts in April
    ],
)
def test_quarter_planning_from_the_first_business_day(account_manager, run, queued, today, period):
    make_distributor(account_manager=account_manager, added=D(2025, 1, 6))

    run(reminders.do_plan_quarter, today)

    expected = {(Kind.QUARTER_PLANNING, None, account_manager.pk, period, State.PENDING)}
    assert rows() == (expected if period else set())


def test_quarter_planning_lists_each_managers_distributors_and_what_is_due(run, queued):
    manager, other = factories.AccountManagerFactory.create_batch(2)
    quiet = make_distributor(account_manager=manager, name_en="Quiet Foods", name_ja="")
    factories.CadenceFactory(
        distributor=quiet,
        alignment_interval_months=12,
        touchpoint_interval_weeks=52,
        senior_contact_interval_months=24,
    )
    make_distributor(account_manager=manager, name_en="Kansai Foods", name_ja="関西フーズ")
    make_distributor(account_manager=other)
    july = D(2026, 7, 1)  # FY2026-Q2 runs to 09-30

    created = run(reminders.do_plan_quarter, july)
    assert run(reminders.do_plan_quarter, july + dt.timedelta(days=1)) == []

    assert len(created) == 2 == len(queued)
    assert Reminder.objects.get(recipient=manager).message == (
        "FY2026-Q2 runs from July 1, 2026 to Sept. 30, 2026. "
        "What the cadences ask for with each of your distributors:\n"
        "- Kansai Foods / 関西フーズ: Alignment meeting: overdue since April 5, 2026; "
        "Informal touchpoint: 3, the first overdue since Feb. 16, 2026; "
        "Senior-level contact: one, by July 5, 2026\n"
        "- Quiet Foods: nothing due this quarter"
    )


def test_seasonal_peak_reminders_list_wholesale_and_logistics_partners(settings, run, queued):
    settings.PRM_SEASONAL_PEAK_LEAD_DAYS = 90  # Golden Week 2027 starts on 04-29
    manager, retail_only = factories.AccountManagerFactory.create_batch(2)
    Role = Distributor.Role
    make_distributor(account_manager=manager, name_en="Osaka Wholesale", name_ja="")
    make_distributor(account_manager=manager, name_en="Cold Link", name_ja="", role=Role.COLD_CHAIN)
    make_distributor(account_manager=manager, role=Role.RETAILER_CHAIN)
    make_distributor(account_manager=manager, role=Role.TRUCKING, status="ended")
    make_distributor(account_manager=retail_only, role=Role.RETAILER_CHAIN)

    assert run(reminders.do_warn_seasonal_peaks, D(2027, 1, 28)) == []
    assert len(run(reminders.do_warn_seasonal_peaks, D(2027, 1, 29))) == 1
    assert run(reminders.do_warn_seasonal_peaks, D(2027, 3, 1)) == []
    # Once the peak started, it is no longer ahead (and Obon's is not due until 05-13).
    assert run(reminders.do_warn_seasonal_peaks, D(2027, 4, 29)) == []

    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.recipient, reminder.period, reminder.due_on) == (
        Kind.SEASONAL_PEAK,
        manager,
        "2027-golden-week",
        D(2027, 4, 29),
    )
    assert reminder.message == (
        "Golden Week runs from April 29, 2027 to May 6, 2027. Agree inventory and shipping "
        "plans with these partners before it starts:\n"
        "- Cold Link (Cold-chain operator)\n"
        "- Osaka Wholesale (Primary wholesaler)"
    )


def test_the_executive_digest_covers_the_week_before(frozen, run, queued, account_manager):
    monday = D(2026, 6, 8)
    frozen.move_to(in_tokyo(monday))
    first, second = factories.ExecutiveFactory.create_batch(2)
    make_distributor(name_en="Late Partner", name_ja="")
    fine = make_distributor(name_en="Fine Partner", name_ja="")
    factories.CadenceFactory(
        distributor=fine, alignment_interval_months=12, senior_contact_interval_months=24
    )

    def logged_on(obj, day):
        type(obj).objects.filter(pk=obj.pk).update(created_at=in_tokyo(day))

    concern = Touchpoint.Mood.CONCERN
    logged_on(
        touchpoint(fine, D(2026, 6, 3), kind=Touchpoint.Kind.CALL, mood=concern), D(2026, 6, 3)
    )
    logged_on(touchpoint(fine, D(2026, 5, 29), mood=concern), D(2026, 5, 31))  # the week before
    logged_on(touchpoint(fine, D(2026, 6, 4)), D(2026, 6, 4))  # positive
    for kind, subject in [(Feedback.Kind.CONCERN, "Late deliveries"), (Feedback.Kind.MARKET, "X")]:
        feedback = factories.FeedbackFactory(distributor=fine, kind=kind, subject=subject)
        logged_on(feedback, D(2026, 6, 5))
    goal = factories.GoalFactory(distributor=fine)
    Outcome, Status = MilestoneEvaluation.Outcome, Milestone.Status
    for title, target, status, evaluation in [
        ("FOODEX booth", D(2026, 6, 2), Status.COMPLETED, (D(2026, 6, 4), Outcome.ACHIEVED)),
        ("Osaka pilot", D(2026, 6, 2), Status.IN_PROGRESS, (D(2026, 6, 4), Outcome.NOT_YET)),
        ("Kyoto doors", D(2026, 6, 6), Status.PLANNED, (monday, Outcome.EXCEEDED)),
        ("Nagoya listing", D(2026, 5, 31), Status.PLANNED, None),
    ]:
        milestone = factories.MilestoneFactory(
            goal=goal, title=title, target_date=target, status=status
        )
        if evaluation:
            factories.MilestoneEvaluationFactory(
                milestone=milestone, evaluated_on=evaluation[0], outcome=evaluation[1]
            )

    created = run(reminders.do_send_executive_digest, monday)
    assert run(reminders.do_send_executive_digest, monday + dt.timedelta(days=2)) == []

    assert len(created) == 2
    assert set(Reminder.objects.values_list("recipient", "kind", "period")) == {
        (first.pk, Kind.EXECUTIVE_DIGEST, "2026-W24"),
        (second.pk, Kind.EXECUTIVE_DIGEST, "2026-W24"),
    }
    assert Reminder.objects.get(recipient=first).message == (
        "The week from June 1, 2026 to June 7, 2026.\n\n"
        "Overdue relationships (1)\n"
        "- Late Partner: Alignment meeting overdue since April 5, 2026; "
        "Informal touchpoint overdue since Feb. 16, 2026\n\n"
        "New concerns (2)\n"
        "- Fine Partner: Call on June 3, 2026, mood: concern\n"
        "- Fine Partner: feedback “Late deliveries”\n\n"
        "Milestones achieved (1)\n"
        "- Fine Partner: FOODEX booth (Achieved, June 4, 2026)\n\n"
        "Milestones missed (2)\n"
        "- Fine Partner: Osaka pilot (target date June 2, 2026)\n"
        "- Fine Partner: Kyoto doors (target date June 6, 2026)"
    )


def test_an_empty_week_says_so(run, queued):
    executive = factories.ExecutiveFactory()
    run(reminders.do_send_executive_digest)
    assert Reminder.objects.get(recipient=executive).message.count("None.") == 4


# --- delivery ---------------------------------------------------------------------------


@pytest.fixture
def due(account_manager, run, queued):
    """A touchpoint and an alignment meeting are overdue: two reminders, not yet sent."""
    make_distributor(account_manager=account_manager, name_en="Kansai Foods", name_ja="")
    run(reminders.do_scan_cadences)
    return {reminder.kind: reminder for reminder in Reminder.objects.all()}


def test_a_reminder_is_e_mailed_once_as_text_and_html_with_a_link(settings, due, mailoutbox):
    settings.PRM_SITE_URL = "https://prm.example.jp/"
    reminder = due[Kind.TOUCHPOINT_DUE]

    assert do_deliver_reminder(reminder.pk) is True
    assert do_deliver_reminder(reminder.pk) is False

    (email,) = mailoutbox
    link = f"https://prm.example.jp/distributors/{reminder.distributor_id}/"
    assert email.to == [reminder.recipient.email]
    assert email.subject == "[PRM] Touchpoint due: Kansai Foods"
    assert reminder.message in email.body and link in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html and 'lang="en"' in html
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts, reminder.emailed) == (State.SENT, 1, True)
    assert reminder.sent_at == timezone.now()


def test_links_to_the_page_that_needs_action():
    def url(kind):
        return Reminder(kind=kind).get_absolute_url()

    assert url(Kind.QUARTER_PLANNING) == "/my-week/"
    assert url(Kind.SEASONAL_PEAK) == "/distributors/?scope=mine"
    assert url(Kind.EXECUTIVE_DIGEST) == "/portfolio/"


def test_e_mail_turned_off_for_a_kind_still_delivers_in_the_app(due, mailoutbox):
    touchpoint_due = due[Kind.TOUCHPOINT_DUE]
    factories.NotificationPreferenceFactory(
        user=touchpoint_due.recipient, kind=Kind.TOUCHPOINT_DUE, email=False
    )
    factories.NotificationPreferenceFactory(
        user=touchpoint_due.recipient, kind=Kind.ALIGNMENT_DUE, email=True
    )

    for reminder in due.values():
        assert do_deliver_reminder(reminder.pk) is True

    assert [email.subject for email in mailoutbox] == ["[PRM] Alignment meeting due: Kansai Foods"]
    assert set(Reminder.objects.values_list("kind", "state", "emailed")) == {
        (Kind.TOUCHPOINT_DUE, State.SENT, False),
        (Kind.ALIGNMENT_DUE, State.SENT, True),
    }


def test_an_executive_can_have_the_digest_only(account_manager, run, queued, mailoutbox):
    executive = factories.ExecutiveFactory()
    for kind in Kind.values:
        if kind != Kind.EXECUTIVE_DIGEST:
            factories.NotificationPreferenceFactory(user=executive, kind=kind, email=False)
    make_distributor(account_manager=account_manager, executive_sponsor=executive)
    run(reminders.do_scan_cadences)
    run(reminders.do_send_executive_digest)

    for reminder in Reminder.objects.filter(recipient=executive):
        do_deliver_reminder(reminder.pk)

    assert [email.subject for email in mailoutbox] == ["[PRM] Weekly executive digest: 2026-W23"]
    assert not Reminder.objects.filter(recipient=executive).exclude(state=State.SENT).exists()


def test_without_an_address_the_reminder_is_delivered_in_the_app(due, mailoutbox):
    reminder = due[Kind.TOUCHPOINT_DUE]
    type(reminder.recipient).objects.filter(pk=reminder.recipient_id).update(email="")
    assert do_deliver_reminder(reminder.pk) is True
    assert mailoutbox == []
    assert Reminder.objects.filter(pk=reminder.pk, state=State.SENT, emailed=False).exists()


def test_written_in_the_recipients_language(settings, account_manager, run, queued, mailoutbox):
    account_manager.language = "ja"
    account_manager.save()
    distributor = make_distributor(account_manager=account_manager)
    only_touchpoints_count(distributor)
    touchpoint(distributor, D(2026, 4, 27))

    run(reminders.do_scan_cadences)
    reminder = Reminder.objects.get()
    do_deliver_reminder(reminder.pk)

    assert "2026年6月8日" in reminder.message  # Japanese date format
    html = mailoutbox[0].alternatives[0][0]
    assert 'lang="ja"' in html
    # Dates in the e-mail are Japan's, whatever the server's zone.
    assert "2026年6月8日" in mailoutbox[0].body


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_failing_mail_server_leaves_it_pending_until_the_last_attempt(settings, due):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    reminder = due[Kind.TOUCHPOINT_DUE]
    for attempt in range(1, Reminder.MAX_ATTEMPTS + 1):
        with pytest.raises(SMTPServerDisconnected):
            do_deliver_reminder(reminder.pk)
        reminder.refresh_from_db()
        gave_up = attempt == Reminder.MAX_ATTEMPTS
        assert (reminder.state, reminder.attempts) == (
            State.FAILED if gave_up else State.PENDING,
            attempt,
        )
        assert reminder.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert do_deliver_reminder(reminder.pk) is False


def test_a_claim_is_taken_again_only_once_it_is_stale(due, mailoutbox):
    reminder = due[Kind.TOUCHPOINT_DUE]
    claimed = Reminder.objects.filter(pk=reminder.pk)
    claimed.update(state=State.SENDING, claimed_at=timezone.now(), attempts=1)
    assert do_deliver_reminder(reminder.pk) is False  # its worker may still be sending

    claimed.update(claimed_at=timezone.now() - Reminder.CLAIM_TIMEOUT - dt.timedelta(seconds=1))
    assert do_deliver_reminder(reminder.pk) is True
    assert len(mailoutbox) == 1
    assert claimed.values_list("state", "attempts").get() == (State.SENT, 2)


def test_the_sweeper_queues_pending_reminders_and_stale_claims(queued):
    now, stale = timezone.now(), timezone.now() - Reminder.CLAIM_TIMEOUT - dt.timedelta(1)

    def reminder(state, **fields):
        return factories.ReminderFactory(state=state, **fields).pk

    pending = reminder(State.PENDING)
    dead_worker = reminder(State.SENDING, claimed_at=stale)
    reminder(State.SENDING, claimed_at=now)
    reminder(State.SENT, sent_at=now)
    reminder(State.FAILED)
    reminder(State.DISMISSED)

    assert sorted(reminders.do_sweep_pending_reminders()) == sorted(queued)
    assert sorted(queued) == sorted([pending, dead_worker])


def test_with_the_broker_down_the_reminder_is_saved_and_left_pending(
    account_manager, run, monkeypatch, caplog, queued
):
    def broker_down(reminder_id):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    make_distributor(account_manager=account_manager)
    with monkeypatch.context() as patch:
        patch.setattr(tasks.deliver_reminder, "delay", broker_down)
        created = run(reminders.do_scan_cadences)

    assert len(created) == 2
    assert set(Reminder.objects.values_list("state", flat=True)) == {State.PENDING}
    assert "Broker unreachable: 2 reminder(s) left pending for the sweeper." in caplog.text
    assert sorted(reminders.do_sweep_pending_reminders()) == sorted(created) == sorted(queued)


# --- beat -------------------------------------------------------------------------------


def test_beat_runs_each_scan_from_the_schedules_the_migration_made():
    schedules = importlib.import_module("meetings.migrations.0006_reminder_schedules")
    for _ in range(2):  # idempotent
        schedules.create_schedules(apps, None)
    found = PeriodicTask.objects.filter(name__in=BEAT_TASKS).select_related("crontab", "interval")
    assert {task.name: task.task for task in found} == BEAT_TASKS
    assert set(BEAT_TASKS.values()) <= set(app.tasks)
    crontabs = {
        task.task: (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week)
        for task in found
        if task.crontab
    }
    assert crontabs["meetings.scan_cadences"] == ("0", "6", "*")
    assert crontabs["meetings.send_executive_digest"] == ("0", "7", "1")
    assert {str(task.crontab.timezone) for task in found if task.crontab} == {"Asia/Tokyo"}
    sweeper = found.get(task="meetings.sweep_pending_reminders").interval
    assert (sweeper.every, sweeper.period) == (10, "minutes")

    schedules.delete_schedules(apps, None)  # reversible
    assert not PeriodicTask.objects.filter(name__in=BEAT_TASKS).exists()


@pytest.mark.parametrize(
    "task",
    [
        tasks.scan_cadences,
        tasks.plan_quarter,
        tasks.warn_seasonal_peaks,
        tasks.send_executive_digest,
        tasks.sweep_pending_reminders,
    ],
    ids=lambda task: task.name,
)
def test_each_beat_task_runs_its_scan_for_today_in_tokyo(task, account_manager, queued):
    factories.ExecutiveFactory()
    factories.ReminderFactory()  # pending, for the sweeper
    make_distributor(account_manager=account_manager)
    assert task.apply().get() >= 1


def test_scan_reminders_command_creates_each_reminder_once(db, django_capture_on_commit_callbacks):
    call_command("seed_demo", verbosity=0)
    with django_capture_on_commit_callbacks():
        call_command("scan_reminders", stdout=io.StringIO())
    created = Reminder.objects.count()
    assert created > 0
    with django_capture_on_commit_callbacks():
        call_command("scan_reminders", stdout=io.StringIO())
    assert Reminder.objects.count() == created
