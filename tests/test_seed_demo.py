"""`manage.py seed_demo`: the demo logins, the shape of the network, determinism, idempotence,
scaling, and the domain rules the generated data must respect."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from distributors import demo
from distributors.models import Contact, Distributor, Feedback, SharedPlan
from meetings.models import ActionItem, AgendaItem, AlignmentMeeting, Touchpoint
from milestones.models import Goal, Milestone, MilestoneEvaluation
from prm import roles
from prm.choices import Side
from prm.models import User

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
KANA = re.compile(r"^[\u30a0-\u30ff\u3040-\u309f ー・]+$")


def seed(**options):
    call_command("seed_demo", verbosity=0, **options)


def counts():
    """Rows of every model (many-to-many tables included) of the four apps, users included."""
    return {
        model._meta.label: model.objects.count()
        for label in ("prm", "distributors", "meetings", "milestones")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def seeded_then_rolled_back(**options):
    """Seed on the current (fresh) database, measure, and undo: a fresh database again."""
    with transaction.atomic():
        demo.seed_demo(**options)
        measured = (
            counts(),
            list(Distributor.objects.order_by("code").values_list("code", "name_en", "name_ja")),
        )
        transaction.set_rollback(True)
    return measured


def test_demo_logins_have_their_roles_and_the_demo_password():
    out, err = StringIO(), StringIO()
    call_command("seed_demo", stdout=out, stderr=err)
    printed = out.getvalue()
    assert f"password: {demo.PASSWORD}" in printed
    for username in ("manager", "manager2", "executive", "partner", "partner2", "admin"):
        assert re.search(rf"^\s+{username}\s", printed, re.MULTILINE)

    expected = {
        "manager": {roles.ACCOUNT_MANAGER},
        "manager2": {roles.ACCOUNT_MANAGER},
        "executive": {roles.EXECUTIVE},
        "partner": {roles.DISTRIBUTOR_USER},
        "partner2": {roles.DISTRIBUTOR_USER},
        "admin": set(),
    }
    users = {}
    for username, role_names in expected.items():
        user = authenticate(username=username, password="prm-demo")
        assert user is not None, username
        assert user.role_names == role_names, username
        users[username] = user
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not any(users[name].is_staff for name in ("manager", "executive", "partner"))

    partner, partner2 = users["partner"], users["partner2"]
    assert partner.portal_distributor is not None
    assert partner2.portal_distributor is not None
    assert partner.portal_distributor != partner2.portal_distributor
    assert partner.portal_contact.distributor == partner.portal_distributor

    total = Distributor.objects.count()
    assert users["manager"].managed_distributors.count() > total / 2
    assert users["manager2"].managed_distributors.exists()
    assert users["executive"].sponsored_distributors.count() >= 3

    # Quiet with --verbosity 0, on both streams, even when nothing is created.
    out, err = StringIO(), StringIO()
    call_command("seed_demo", verbosity=0, stdout=out, stderr=err)
    assert out.getvalue() == err.getvalue() == ""


def test_network_is_layered_bilingual_and_covers_every_role_status_and_seniority():
    seed()
    distributors = Distributor.objects.all()
    assert 35 <= distributors.count() <= 45
    assert set(distributors.values_list("role", flat=True)) == set(Distributor.Role.values)
    assert set(distributors.values_list("status", flat=True)) == set(Distributor.Status.values)
    assert distributors.filter(status=Distributor.Status.ACTIVE).count() > distributors.count() / 2
    assert distributors.filter(status=Distributor.Status.ENDED).count() == 1

    def layers(distributor):
        n = 1
        while distributor.upstream_id:
            distributor = distributor.upstream
            n += 1
        return n

    assert max(layers(d) for d in distributors.select_related("upstream__upstream__upstream")) >= 3
    for layer, above in [
        (Distributor.Role.SECONDARY_WHOLESALER, Distributor.Role.PRIMARY_WHOLESALER),
        (Distributor.Role.SUB_WHOLESALER, Distributor.Role.SECONDARY_WHOLESALER),
    ]:
        assert distributors.filter(role=layer, upstream__role=above).exists()

    for d in distributors:
        assert JAPANESE.search(d.name_ja), d.name_en
        assert KANA.match(d.name_kana), d.name_kana
        assert d.prefectures.exists() and d.product_categories.exists()
        assert d.cadence.alignment_interval_months == (2 if d.status == "pilot" else 3)
    regions = set(distributors.values_list("prefectures__region", flat=True))
    assert len(regions) >= 6

    contacts = Contact.objects.all()
    assert set(contacts.values_list("seniority", flat=True)) == set(Contact.Seniority.values)
    assert contacts.filter(language="ja").count() > contacts.count() / 2
    for c in contacts:
        assert c.name_latin.isascii() and JAPANESE.search(c.name_kanji) and KANA.match(c.name_kana)
    assert contacts.filter(title__startswith="代表取締役").exists()
    assert not Distributor.objects.annotate(n=Count("contacts")).filter(n=0).exists()


def test_history_covers_every_kind_and_status():
    seed()
    today = timezone.localdate()

    def values(model, name):
        return set(model.objects.values_list(name, flat=True))

    assert values(Touchpoint, "kind") == set(Touchpoint.Kind.values)
    assert values(Touchpoint, "mood") == set(Touchpoint.Mood.values)
    assert Touchpoint.objects.exclude(unspoken_concerns="").exists()
    oldest = Touchpoint.objects.order_by("occurred_on").first().occurred_on
    assert (today - oldest).days > 450  # about 18 months of history

    held = AlignmentMeeting.objects.filter(status=AlignmentMeeting.Status.HELD)
    assert held.exclude(minutes_market_trends="").exclude(decisions="").exists()
    assert held.filter(minutes_shared=True).exists() and held.filter(minutes_shared=False).exists()
    assert AlignmentMeeting.objects.filter(status=AlignmentMeeting.Status.PLANNED).exists()
    boards = AlignmentMeeting.objects.filter(kind=AlignmentMeeting.Kind.ADVISORY_BOARD)
    assert boards.exists()
    assert all(board.distributors.count() >= 3 for board in boards)
    assert values(AgendaItem, "proposer_side") == set(Side.values)
    assert values(ActionItem, "owner_side") == set(Side.values)
    assert values(ActionItem, "status") == set(ActionItem.Status.values)

    goals = Goal.objects.prefetch_related("agreements")
    assert {g.agreement_state() for g in goals} >= {
        Goal.Agreement.AGREED,
        Goal.Agreement.AWAITING_DISTRIBUTOR,
    }
    for goal in goals:
        assert 600 <= (goal.horizon_end - goal.horizon_start).days <= 800
    assert values(Milestone, "kind") == set(Milestone.Kind.values)
    assert Milestone.objects.filter(title__contains="FOODEX").exists()
    assert values(MilestoneEvaluation, "outcome") == set(MilestoneEvaluation.Outcome.values)
    assert not MilestoneEvaluation.objects.filter(Q(narrative="") | Q(next_step="")).exists()

    assert values(Feedback, "kind") == set(Feedback.Kind.values)
    assert values(Feedback, "status") == set(Feedback.Status.values)
    assert Feedback.objects.filter(replies__isnull=False).exists()
    assert values(SharedPlan, "audience") == set(SharedPlan.Audience.values)
    assert SharedPlan.objects.filter(acknowledgements__isnull=False).exists()


def test_the_portfolio_points_at_a_minority_of_relationships_each_with_its_reason():
    """An executive acts on "needs attention" only when it is not almost everyone: the demo's
    partners at risk are red, most others are not, and every red says why in words."""
    from dashboard import selectors

    seed()
    rows = selectors.relationships(selectors.filtered_distributors())
    red = [row for row in rows if not row.on_track]
    assert 0 < len(red) <= len(rows) / 2
    at_risk = {row.distributor.pk for row in rows if row.distributor.status == "at_risk"}
    assert at_risk and at_risk <= {row.distributor.pk for row in red}
    for row in red:
        reasons = [signal.reason for signal in row.signals.values() if signal.level == "red"]
        assert reasons and all(len(reason) > 20 for reason in reasons)
    slow_replies = [row for row in rows if row.signals["feedback"].level == "red"]
    assert len(slow_replies) <= len(rows) / 10


def test_data_respects_the_domain_rules():
    seed()
    now, today = timezone.now(), timezone.localdate()

    assert not Touchpoint.contacts.through.objects.exclude(
        contact__distributor=F("touchpoint__distributor")
    ).exists()
    assert not Touchpoint.objects.filter(occurred_on__gt=today).exists()

    owned = ActionItem.objects.filter(owner_contact__isnull=False)
    assert owned.exists()
    assert not owned.exclude(owner_contact__distributor=F("distributor")).exists()
    assert not ActionItem.objects.filter(owner_side=Side.OURS, owner_user__isnull=True).exists()
    assert not ActionItem.objects.filter(
        owner_side=Side.DISTRIBUTOR, owner_contact__isnull=True
    ).exists()
    assert not ActionItem.objects.filter(status="done", completed_at__isnull=True).exists()
    assert (
        not ActionItem.objects.filter(meeting__isnull=False)
        .exclude(meeting__distributors=F("distributor"))
        .exists()
    )
    assert (
        not ActionItem.objects.filter(touchpoint__isnull=False)
        .exclude(touchpoint__distributor=F("distributor"))
        .exists()
    )

    alignment = AlignmentMeeting.objects.filter(kind=AlignmentMeeting.Kind.ALIGNMENT)
    assert alignment.exists()
    assert not alignment.annotate(n=Count("distributors")).exclude(n=1).exists()
    assert not AlignmentMeeting.objects.filter(status="held", starts_at__gt=now).exists()
    assert not AlignmentMeeting.objects.filter(status="planned", starts_at__lt=now).exists()
    meetings = AlignmentMeeting.objects.prefetch_related("distributors", "contact_attendees")
    for meeting in meetings:
        allowed = {d.pk for d in meeting.distributors.all()}
        assert {c.distributor_id for c in meeting.contact_attendees.all()} <= allowed

    assert not Goal.objects.exclude(owner_distributor__distributor=F("distributor")).exists()
    assert not MilestoneEvaluation.contact_participants.through.objects.exclude(
        contact__distributor=F("milestoneevaluation__milestone__goal__distributor")
    ).exists()
    assert not Feedback.objects.exclude(
        submitted_by__portal_contact__distributor=F("distributor")
    ).exists()
    assert (
        not AgendaItem.objects.filter(
            proposer_side=Side.DISTRIBUTOR, proposed_by__portal_contact__isnull=True
        )
        .exclude(proposed_by=None)
        .exists()
    )
    for model in apps.get_app_config("distributors").get_models():
        if any(f.name == "created_at" for f in model._meta.fields):
            assert not model.objects.filter(created_at__gt=now).exists(), model

    # Every portal login is a distributor user tied to exactly one contact; no staff among them.
    portal_users = User.objects.filter(portal_contact__isnull=False)
    assert portal_users.count() >= 3
    assert not portal_users.exclude(groups__name=roles.DISTRIBUTOR_USER).exists()
    assert not portal_users.filter(groups__name__in=roles.STAFF_ROLES).exists()

    # The models' own validation (clean and constraints) on a sample of every kind of row.
    for model in (Distributor, Contact, Touchpoint, AlignmentMeeting, AgendaItem, ActionItem,
                  Goal, Milestone, MilestoneEvaluation, Feedback, SharedPlan):  # fmt: skip
        for obj in model.objects.order_by("pk")[:: max(1, model.objects.count() // 25)]:
            obj.full_clean()
    for user in portal_users[:10]:
        user.full_clean()


def test_same_scale_gives_same_names_and_counts_and_a_second_run_changes_nothing():
    first_counts, first_names = seeded_then_rolled_back()
    assert counts()["distributors.Distributor"] == 0  # really rolled back

    seed()
    assert counts() == first_counts
    assert (
        list(Distributor.objects.order_by("code").values_list("code", "name_en", "name_ja"))
        == first_names
    )

    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == first_counts
    assert "already present" in out.getvalue()


def test_counts_do_not_depend_on_the_day_it_runs():
    winter, _ = seeded_then_rolled_back(today=dt.date(2024, 12, 30))
    spring, _ = seeded_then_rolled_back(today=dt.date(2025, 4, 28))
    assert winter == spring


def test_scale_multiplies_the_data_linearly():
    one, _ = seeded_then_rolled_back()
    seed(scale=2)
    two = counts()
    assert two["distributors.Distributor"] == 2 * one["distributors.Distributor"]
    for label in (
        "distributors.Contact",
        "distributors.Feedback",
        "meetings.Touchpoint",
        "meetings.AlignmentMeeting",
        "meetings.ActionItem",
        "milestones.Goal",
        "milestones.Milestone",
    ):
        assert 1.6 * one[label] <= two[label] <= 2.4 * one[label], label
    assert Distributor.objects.values("code").distinct().count() == two["distributors.Distributor"]

    # A smaller scale afterwards adds nothing; the same scale again neither.
    seed()
    seed(scale=2)
    assert counts() == two


def test_scale_must_be_positive():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        seed(scale=0)
