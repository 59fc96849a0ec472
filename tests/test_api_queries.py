"""The API's list endpoints make the same number of SQL queries for 5 distributors as for 50."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from distributors.models import Contact, Distributor
from figures import services as figure_services
from figures.models import FigureKind, FigureSource
from meetings.models import AlignmentMeeting
from tests import factories
from tests.queries import count_queries
from tests.test_api_access import ENDPOINTS, token_client

pytestmark = pytest.mark.django_db


def add_rows(distributor, manager):
    """A row of every kind at `distributor`, each with its related rows."""
    contact = factories.ContactFactory(distributor=distributor)
    touchpoint = factories.TouchpointFactory(distributor=distributor, logged_by=manager)
    touchpoint.contacts.set([contact])
    touchpoint.staff.set([manager])
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor], minutes_shared=True)
    meeting.contact_attendees.set([contact])
    meeting.staff_attendees.set([manager])
    goal = factories.GoalFactory(
        distributor=distributor, owner_ours=manager, owner_distributor=contact
    )
    factories.GoalAgreementFactory(goal=goal)
    milestone = factories.MilestoneFactory(goal=goal)
    factories.MilestoneEvaluationFactory(milestone=milestone)
    figure_services.do_record_figure(
        user=manager,
        distributor=distributor,
        kind=FigureKind.objects.get(code="sell_in_amount"),
        month=dt.date(2025, 4, 1),
        category=factories.ProductCategoryFactory(),
        value=Decimal("1000"),
        source=FigureSource.STAFF,
    )


def add_distributors(count, manager, own):
    for _ in range(count):
        distributor = factories.DistributorFactory(account_manager=manager)
        distributor.prefectures.set([factories.PrefectureFactory()])
        add_rows(distributor, manager)
        # So that the distributor user's own lists grow as well.
        add_rows(own, manager)


@pytest.mark.parametrize("role", ["manager", "distributor"])
def test_list_queries_do_not_grow_with_distributors(
    role, account_manager, partner_user, distributor
):
    client = token_client(account_manager if role == "manager" else partner_user)
    # An advisory board with every distributor: its other members stay hidden from the
    # distributor user without a query per member.
    board = factories.AlignmentMeetingFactory(
        kind=AlignmentMeeting.Kind.ADVISORY_BOARD, distributors=[distributor]
    )

    counts = {endpoint: [] for endpoint in ENDPOINTS}
    for added in (5, 45):
        add_distributors(added, account_manager, distributor)
        board.distributors.set(Distributor.objects.all())
        board.contact_attendees.set(Contact.objects.all())
        for endpoint in ENDPOINTS:
            url = reverse(f"api:{endpoint}-list") + "?page_size=200"
            counts[endpoint].append(count_queries(client, url))

    assert {endpoint: a == b for endpoint, (a, b) in counts.items()} == dict.fromkeys(
        ENDPOINTS, True
    ), counts
