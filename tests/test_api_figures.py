"""Performance figures through the API: read scoped like the portal, written in bulk through
the figures service, all rows or none, and writing the same values again changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from figures.models import FigureKind, FigureRevision, FigureSource, PerformanceFigure
from prm import japan_calendar
from tests import factories
from tests.test_api_access import last_month, token_client

pytestmark = pytest.mark.django_db


def row(distributor, kind="sell_in_amount", month=None, value="1200000", **extra):
    return {
        "distributor": distributor.pk,
        "kind": kind,
        "month": f"{month or last_month():%Y-%m}",
        "value": value,
        **extra,
    }


def post(client, rows):
    return client.post(reverse("api:figure-list"), rows, format="json")


def test_bulk_write_is_idempotent_and_keeps_history(account_manager, distributor):
    client = token_client(account_manager)
    category = factories.ProductCategoryFactory()
    rows = [
        row(distributor, value="1200000"),
        row(distributor, kind="sell_in_units", value="340", category=category.pk),
        row(distributor, kind="new_retail_doors", value="4"),
    ]

    first = post(client, rows)
    again = post(client, rows)
    corrected = post(client, [{**rows[0], "value": "1250000.50"}, rows[1]])

    assert first.json() == {"created": 3, "changed": 0, "unchanged": 0}
    assert again.json() == {"created": 0, "changed": 0, "unchanged": 3}
    assert corrected.json() == {"created": 0, "changed": 1, "unchanged": 1}
    figure = PerformanceFigure.objects.get(kind__code="sell_in_amount")
    assert str(figure.value) == "1250000.50"
    assert figure.source == FigureSource.API
    assert figure.entered_by == account_manager
    assert [(str(r.old_value), str(r.new_value)) for r in figure.revisions.all()] == [
        ("1200000.00", "1250000.50"),
        ("None", "1200000.00"),
    ]
    assert FigureRevision.objects.filter(source=FigureSource.API).count() == 4


def test_one_wrong_row_saves_nothing_and_names_each_problem(account_manager, distributor):
    future = japan_calendar.today().replace(day=1) + dt.timedelta(days=40)
    client = token_client(account_manager)

    malformed = post(
        client,
        [row(distributor), row(distributor, value="1.234"), {**row(distributor), "month": "April"}],
    )
    wrong = post(
        client,
        [
            row(distributor),
            row(distributor, kind="no-such-figure"),
            row(distributor, month=future),
            row(distributor, kind="on_time_delivery", value="120"),
            row(distributor, kind="damage_claims", value="-1"),
            row(
                distributor, kind="new_retail_doors", category=factories.ProductCategoryFactory().pk
            ),
            row(distributor, category=10**9),
            row(distributor),
        ],
    )

    assert malformed.status_code == 400, malformed.content
    assert malformed.json()["detail"]
    assert {i: set(e) for i, e in malformed.json()["errors"].items()} == {
        "1": {"value"},
        "2": {"month"},
    }
    assert wrong.status_code == 400, wrong.content
    errors = wrong.json()["errors"]
    assert {i: set(e) for i, e in errors.items()} == {
        "1": {"kind"},
        "2": {"month"},
        "3": {"value"},
        "4": {"value"},
        "5": {"category"},
        "6": {"category"},
        "7": {"non_field_errors"},
    }
    assert "row 0" in errors["7"]["non_field_errors"][0]
    assert not PerformanceFigure.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        [],
        ["a string"],
        [{"distributor": 10**30, "kind": "sell_in_amount", "month": "2025-01", "value": "1"}],
        [{"distributor": "abc", "kind": "sell_in_amount", "month": "2025-01", "value": "1"}],
        [{"distributor": 1, "kind": "sell_in_amount", "month": 202501, "value": "1"}],
        [{"distributor": 1, "kind": "sell_in_amount", "month": "2025-01", "value": "NaN"}],
        [{"distributor": 1, "kind": "sell_in_amount", "month": "2025-01", "value": 10**20}],
        [{"distributor": 1, "kind": ["x"], "month": "2025-01", "value": "1"}],
    ],
    ids=[
        "object",
        "empty",
        "not-rows",
        "huge-id",
        "text-id",
        "month-number",
        "nan",
        "huge-value",
        "kind-list",
    ],
)
def test_wrong_types_are_a_400(account_manager, distributor, body):
    response = post(token_client(account_manager), body)

    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert not PerformanceFigure.objects.exists()


def test_too_many_rows_in_one_request_are_refused(account_manager, distributor):
    rows = [row(distributor, month=dt.date(2000 + i // 12, i % 12 + 1, 1)) for i in range(1001)]

    response = post(token_client(account_manager), rows)

    assert response.status_code == 400
    assert not PerformanceFigure.objects.exists()


def test_distributor_token_writes_only_its_own_shared_figures(
    partner_user, distributor, account_manager
):
    other = factories.DistributorFactory()
    internal = FigureKind.objects.create(
        code="internal-margin",
        name_en="Internal margin",
        name_ja="社内マージン",
        unit="percent",
        shared_with_distributor=False,
    )
    client = token_client(partner_user)

    theirs = post(client, [row(distributor), row(other)])
    hidden_kind = post(client, [row(distributor, kind=internal.code, value="12")])
    own = post(client, [row(distributor)])

    assert theirs.status_code == 400
    assert set(theirs.json()["errors"]["1"]) == {"distributor"}
    assert hidden_kind.status_code == 400
    assert set(hidden_kind.json()["errors"]["0"]) == {"kind"}
    assert own.json() == {"created": 1, "changed": 0, "unchanged": 0}
    figure = PerformanceFigure.objects.get()
    assert (figure.distributor, figure.entered_by) == (distributor, partner_user)
    # Our side sees who entered it.
    listed = token_client(account_manager).get(reverse("api:figure-list")).json()
    assert listed["results"][0]["entered_by_name"] == str(partner_user)
    assert listed["results"][0]["source"] == "api"


def test_distributor_token_reads_only_its_own_shared_figures(partner_user, distributor):
    manager = factories.AccountManagerFactory()
    other = factories.DistributorFactory()
    internal = FigureKind.objects.create(
        code="internal-margin",
        name_en="Internal margin",
        name_ja="社内マージン",
        unit="percent",
        shared_with_distributor=False,
    )
    post(
        token_client(manager),
        [row(distributor), row(other), row(distributor, kind=internal.code, value="12")],
    )
    client = token_client(partner_user)

    listed = client.get(reverse("api:figure-list")).json()["results"]
    kinds = [kind["code"] for kind in client.get(reverse("api:figure-kind-list")).json()]

    assert [(f["distributor"], f["kind"]) for f in listed] == [(distributor.pk, "sell_in_amount")]
    assert internal.code not in kinds
    assert "sell_in_amount" in kinds


def test_executive_token_reads_but_does_not_write_figures(executive, distributor):
    client = token_client(executive)

    response = post(client, [row(distributor)])

    assert response.status_code == 403
    assert client.get(reverse("api:figure-list")).status_code == 200
    assert not PerformanceFigure.objects.exists()


def test_figures_filter_by_distributor_kind_and_month(account_manager, distributor):
    client = token_client(account_manager)
    other = factories.DistributorFactory()
    post(
        client,
        [
            row(distributor, month=dt.date(2025, 1, 1)),
            row(distributor, month=dt.date(2025, 6, 1)),
            row(distributor, kind="sell_in_units", month=dt.date(2025, 6, 1), value="5"),
            row(other, month=dt.date(2025, 6, 1)),
        ],
    )

    response = client.get(
        reverse("api:figure-list"),
        {"distributor": distributor.pk, "kind": "sell_in_amount", "month_after": "2025-03-01"},
    )

    assert [(f["kind"], f["month"]) for f in response.json()["results"]] == [
        ("sell_in_amount", "2025-06")
    ]
