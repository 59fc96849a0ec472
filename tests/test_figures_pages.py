"""Figures beside the dialogue: the rules of a value, two-way sharing in the portal, and the
trend charts on the staff pages (issue 8, items 1, 3 and 4)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from figures import services
from figures.imports import read_figure_file
from figures.models import FigureKind, FigureRevision, PerformanceFigure
from figures.selectors import trend_months
from meetings.models import Reminder
from prm import japan_calendar
from tests import factories
from tests.queries import count_queries
from tests.test_api_access import token_client

pytestmark = pytest.mark.django_db

PORTAL = reverse_lazy("portal:figures")


def kind(code):
    return FigureKind.objects.get(code=code)


def months_ago(count):
    return trend_months(japan_calendar.today(), count + 1)[0]


def figure(distributor, code="sell_in_amount", month=None, value=100, category=None):
    return PerformanceFigure.objects.create(
        distributor=distributor,
        kind=kind(code),
        month=month or months_ago(1),
        category=category,
        value=value,
        source="staff",
    )


@pytest.fixture
def partner_user(distributor):
    return factories.PortalUserFactory(
        portal_contact__distributor=distributor, portal_contact__language="en"
    )


@pytest.fixture
def partner_client(client, partner_user):
    client.force_login(partner_user)
    return client


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


# The rules of a value


def test_one_value_per_distributor_figure_month_and_category(distributor):
    snacks = factories.ProductCategoryFactory()
    figure(distributor)
    figure(distributor, category=snacks)
    figure(distributor, month=months_ago(2))
    for category in (None, snacks):
        with pytest.raises(IntegrityError), transaction.atomic():
            figure(distributor, category=category, value=5)
    assert PerformanceFigure.objects.count() == 3


def test_a_month_is_stored_as_its_first_day(distributor):
    with pytest.raises(IntegrityError), transaction.atomic():
        figure(distributor, month=dt.date(2026, 1, 15))


def test_a_correction_keeps_the_previous_value_with_who_and_how(distributor, account_manager):
    month = months_ago(1)
    arguments = {
        "distributor": distributor,
        "kind": kind("inventory_weeks"),
        "month": month,
        "category": None,
        "source": "staff",
    }
    services.do_record_figure(user=account_manager, value=Decimal("6.5"), **arguments)
    services.do_record_figure(user=account_manager, value=Decimal("6.5"), **arguments)
    saved, changed = services.do_record_figure(
        user=account_manager, value=Decimal("5"), **arguments
    )
    assert changed and saved.value == 5
    history = [(r.old_value, r.new_value, r.changed_by, r.source) for r in saved.revisions.all()]
    assert history == [
        (Decimal("6.5"), Decimal("5"), account_manager, "staff"),
        (None, Decimal("6.5"), account_manager, "staff"),
    ]


# Two-way sharing in the portal


def test_the_partner_sees_only_its_own_figures_of_shared_kinds(partner_client, distributor):
    figure(distributor, "sell_in_amount", value=1234567)
    figure(distributor, "inventory_weeks", value=77)
    FigureKind.objects.filter(code="inventory_weeks").update(shared_with_distributor=False)
    figure(factories.DistributorFactory(), "sell_in_amount", value=7654321)

    page = partner_client.get(PORTAL).content.decode()
    assert "1,234,567" in page
    assert "77" not in page.split("All figures and their history")[1]
    assert "7,654,321" not in page
    assert "Inventory in weeks" not in page
    assert "<svg viewBox" in page


def test_the_partner_submits_a_correction_and_the_account_manager_is_told(
    partner_client, partner_user, distributor, account_manager, django_capture_on_commit_callbacks
):
    existing = figure(distributor, "new_retail_doors", value=3)
    page = partner_client.get(PORTAL, {"correct": existing.pk}).content.decode()
    assert 'value="3.00"' in page or 'value="3"' in page

    with django_capture_on_commit_callbacks():
        response = partner_client.post(
            PORTAL,
            {
                "month": f"{existing.month:%Y-%m}",
                "kind": existing.kind_id,
                "category": "",
                "value": "５",
            },
            follow=True,
        )
    assert "your account manager was told" in response.content.decode()
    existing.refresh_from_db()
    assert existing.value == 5
    revision = existing.revisions.first()
    assert (revision.old_value, revision.new_value) == (3, 5)
    assert (revision.changed_by, revision.source) == (partner_user, "portal")
    reminder = Reminder.objects.get(kind="figures_submitted")
    assert reminder.recipient == account_manager
    assert reminder.distributor == distributor
    assert str(partner_user) in reminder.message

    # Our side sees who entered it.
    partner_client.force_login(account_manager)
    staff_page = partner_client.get(reverse("figures:distributor", args=[distributor.pk]))
    assert f"corrected from 3 to 5 · {partner_user}" in " ".join(
        staff_page.content.decode().split()
    )


def test_the_partner_cannot_enter_a_figure_kind_that_is_not_shared(partner_client, distributor):
    FigureKind.objects.filter(code="inventory_weeks").update(shared_with_distributor=False)
    response = partner_client.post(
        PORTAL,
        {"month": f"{months_ago(1):%Y-%m}", "kind": kind("inventory_weeks").pk, "value": "4"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert PerformanceFigure.objects.count() == 0


@pytest.mark.parametrize(
    "data, message",
    [
        ({"month": "2999-01", "value": "1"}, "The month is in the future."),
        ({"month": "soon", "value": "1"}, "Give the month as 2026-04."),
        ({"month": "2025-01", "value": "many"}, "Enter a number."),
    ],
)
def test_bad_input_is_refused_and_what_was_typed_is_kept(partner_client, data, message):
    response = partner_client.post(PORTAL, {"kind": kind("sell_in_units").pk, **data})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'value="{data["value"]}"' in page
    assert PerformanceFigure.objects.count() == 0


def test_another_distributors_user_gets_404_on_its_figures(client, distributor):
    theirs = figure(distributor)
    other_user = factories.PortalUserFactory()
    client.force_login(other_user)
    assert client.get(PORTAL, {"correct": theirs.pk}).status_code == 404
    assert client.get(PORTAL, {"correct": "x"}).status_code == 404
    page = client.get(PORTAL).content.decode()
    assert f"figure-{theirs.pk}" not in page
    # A figure of their own, of a kind no longer shared, is hidden the same way.
    own = figure(other_user.portal_distributor, "inventory_weeks")
    FigureKind.objects.filter(code="inventory_weeks").update(shared_with_distributor=False)
    assert client.get(PORTAL, {"correct": own.pk}).status_code == 404


def test_staff_pages_are_closed_to_partners_and_read_only_for_executives(
    client, partner_user, executive, distributor
):
    url = reverse("figures:distributor", args=[distributor.pk])
    client.force_login(partner_user)
    assert client.get(url).status_code == 403
    client.force_login(executive)
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    data = {"month": f"{months_ago(1):%Y-%m}", "kind": kind("sell_in_units").pk, "value": "1"}
    # Refused like every other write an executive is not given: 403, as the matrix says.
    assert client.post(url, data).status_code == 403
    assert PerformanceFigure.objects.count() == 0


def test_an_account_manager_enters_a_month_on_the_staff_page(manager_client, distributor):
    url = reverse("figures:distributor", args=[distributor.pk])
    data = {"month": f"{months_ago(2):%Y-%m}", "kind": kind("sell_in_units").pk, "value": "1,200"}
    response = manager_client.post(url, data, follow=True)
    assert "The figure was saved." in response.content.decode()
    assert PerformanceFigure.objects.get().revisions.get().source == "staff"


def test_an_account_manager_chooses_which_kinds_the_distributors_see(
    client, account_manager, partner_user, distributor
):
    stock = figure(distributor, "inventory_weeks", value=77)
    weeks = kind("inventory_weeks")
    api = token_client(partner_user)
    client.force_login(account_manager)
    page = client.get(reverse("figures:kinds")).content.decode()
    assert "Stop sharing Inventory in weeks" in page

    response = client.post(
        reverse("figures:kind_share", args=[weeks.pk]), {"shared": "no"}, follow=True
    )
    assert "Distributors no longer see or enter “Inventory in weeks”." in response.content.decode()
    assert "Share Inventory in weeks" in response.content.decode()
    assert PerformanceFigure.objects.filter(pk=stock.pk).exists()  # kept on our side
    client.force_login(partner_user)
    assert "Inventory in weeks" not in client.get(PORTAL).content.decode()
    assert "inventory_weeks" not in api.get(reverse("api:figure-kind-list")).content.decode()
    assert api.get(reverse("api:figure-list")).json()["results"] == []

    client.force_login(account_manager)
    client.post(reverse("figures:kind_share", args=[weeks.pk]), {"shared": "yes"})
    client.force_login(partner_user)
    assert "Inventory in weeks" in client.get(PORTAL).content.decode()
    assert [row["id"] for row in api.get(reverse("api:figure-list")).json()["results"]] == [
        stock.pk
    ]


def test_executives_read_the_kinds_but_only_account_managers_change_them(
    client, account_manager, executive, partner_user
):
    weeks = kind("inventory_weeks")
    share_url = reverse("figures:kind_share", args=[weeks.pk])
    client.force_login(executive)
    page = client.get(reverse("figures:kinds")).content.decode()
    assert "Inventory in weeks" in page and "Stop sharing" not in page
    assert client.post(share_url, {"shared": "no"}).status_code == 403
    client.force_login(partner_user)
    assert client.get(reverse("figures:kinds")).status_code == 403
    assert client.post(share_url, {"shared": "no"}).status_code == 403
    client.force_login(account_manager)
    assert client.post(share_url, {"shared": "maybe"}).status_code == 400
    assert (
        client.post(reverse("figures:kind_share", args=[999999]), {"shared": "no"}).status_code
        == 404
    )
    weeks.refresh_from_db()
    assert weeks.shared_with_distributor


# Charts beside the dialogue


def test_the_distributor_page_shows_the_trend_beside_what_happened(manager_client, distributor):
    month = months_ago(3)
    figure(distributor, "sell_through_amount", month=month, value=2_500_000)
    figure(distributor, "sell_through_amount", month=months_ago(30), value=999_999)  # too old
    factories.TouchpointFactory(distributor=distributor, occurred_on=month + dt.timedelta(days=4))
    goal = factories.GoalFactory(distributor=distributor)
    factories.MilestoneFactory(goal=goal, title="Osaka trade show", target_date=month)

    trend_url = reverse("figures:distributor_trend", args=[distributor.pk])
    page = manager_client.get(distributor.get_absolute_url()).content.decode()
    assert f'hx-get="{trend_url}" hx-trigger="load"' in page  # loaded with the page
    page = manager_client.get(trend_url).content.decode()
    assert 'data-chart="sell_through_amount"' in page
    assert "2,500,000" in page
    assert "999,999" not in page
    row = page.split(f'<th scope="row" class="fw-normal text-nowrap">{month:%Y-%m}</th>')[1]
    row = row.split("</tr>")[0]
    assert "2,500,000" in row and "Osaka trade show" in row and "Touchpoints:" in row
    assert "1 touchpoint, 1 milestone" in page  # the mark on the chart's time axis


def test_the_executive_summary_shows_the_trend(client, executive, distributor):
    figure(distributor, "new_retail_doors", value=12)
    client.force_login(executive)
    page = client.get(reverse("dashboard:summary", args=[distributor.pk])).content.decode()
    assert 'data-chart="new_retail_doors"' in page


def test_the_portal_shows_meetings_and_milestones_but_not_our_touchpoints(
    partner_client, distributor
):
    month = months_ago(2)
    figure(distributor, month=month)
    factories.TouchpointFactory(distributor=distributor, occurred_on=month)
    goal = factories.GoalFactory(distributor=distributor)
    factories.MilestoneFactory(goal=goal, title="Store opening", target_date=month)
    page = partner_client.get(PORTAL).content.decode()
    assert "Store opening" in page
    assert "Touchpoints:" not in page


def populate(account_manager, rows):
    """`rows` distributors with figures, and one with `rows` of everything."""
    for other in factories.DistributorFactory.create_batch(rows, account_manager=account_manager):
        figure(other)
    busy = factories.DistributorFactory(account_manager=account_manager)
    user = factories.PortalUserFactory(portal_contact__distributor=busy)
    codes = list(FigureKind.objects.values_list("code", flat=True))
    now = timezone.now()
    for index in range(rows):
        month = months_ago(index % 24)
        figure(busy, codes[index % len(codes)], month=month, value=index + 1)
        factories.TouchpointFactory(distributor=busy, occurred_on=month)
        factories.AlignmentMeetingFactory(
            distributors=[busy], starts_at=now - dt.timedelta(days=20 * index)
        )
        goal = factories.GoalFactory(distributor=busy)
        factories.MilestoneFactory(goal=goal, target_date=month)
    for figure_ in PerformanceFigure.objects.filter(distributor=busy):
        FigureRevision.objects.create(figure=figure_, new_value=figure_.value, source="staff")
    return busy, user


@pytest.mark.parametrize(
    "url_of, who",
    [
        (lambda busy: busy.get_absolute_url(), "manager"),
        (lambda busy: reverse("figures:distributor", args=[busy.pk]), "manager"),
        (lambda busy: reverse("figures:distributor_trend", args=[busy.pk]), "manager"),
        (lambda busy: reverse("dashboard:summary", args=[busy.pk]), "manager"),
        (lambda busy: PORTAL, "partner"),
    ],
    ids=["distributor-page", "figures-page", "trend", "summary", "portal"],
)
def test_figure_pages_make_the_same_number_of_queries_for_5_and_50_rows(
    client, account_manager, url_of, who
):
    counts = []
    for rows in (5, 50):
        PerformanceFigure.objects.all().delete()
        busy, user = populate(account_manager, rows)
        client.force_login(account_manager if who == "manager" else user)
        counts.append(count_queries(client, url_of(busy)))
    assert counts[0] == counts[1], counts


def test_a_figure_added_in_the_admin_is_recorded_with_its_history(client, distributor):
    admin_user = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:figures_performancefigure_add"),
        {
            "distributor": distributor.pk,
            "kind": kind("lead_time_days").pk,
            "month": f"{months_ago(1):%Y-%m-%d}",
            "value": "2.5",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    revision = FigureRevision.objects.get()
    assert (revision.new_value, revision.changed_by, revision.source) == (2.5, admin_user, "staff")


def test_an_administrator_adds_a_kind_of_figure_that_files_and_the_portal_then_use(
    client, distributor, partner_user
):
    admin_user = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:figures_figurekind_add"),
        {
            "code": "returns_count",
            "name_en": "Returned items",
            "name_ja": "返品件数",
            "unit": "count",
            "distributor_roles": [distributor.role],
            "shared_with_distributor": "on",
            "position": "20",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    added = FigureKind.objects.get(code="returns_count")
    assert added.distributor_roles == [distributor.role]

    month = f"{months_ago(1):%Y-%m}"
    parsed = read_figure_file(
        "f.csv",
        f"代理店コード,年月,指標,値\r\n{distributor.code},{month},返品件数,4\r\n".encode(),
        today=japan_calendar.today(),
    )
    assert parsed.errors == [] and parsed.rows[0]["kind"] == "returns_count"
    client.force_login(partner_user)
    assert "Returned items (Count)" in client.get(PORTAL).content.decode()  # in the entry form
