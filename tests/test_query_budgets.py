"""Issue #11 point 3: every page makes at most 15 SQL queries, however much data there is.

The pages are every named URL that docs/permissions.md answers a GET with a page (200) or
a redirect (302) for some role, found through the URL resolver, so a new page is in the
budget without being listed here. Each is requested by every role that gets it, once with
the small world of tests/test_permission_matrix.py and once after every kind of data has
grown around the same objects: a page whose count follows the rows it shows (a query per
row) fails, as does one above the budget. The count is the whole request as the test
client sees it: session, user, middleware, context processors and templates.
"""

import datetime as dt
import html
import re
from itertools import count

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from distributors.models import Feedback, Prefecture, ProductCategory
from figures.models import FigureKind, FigureRevision, PerformanceFigure
from meetings.models import AgendaItem, AlignmentMeeting, Cadence
from prm.choices import Side
from tests import factories, test_permission_matrix
from tests.test_permission_matrix import ADMIN_ROW, ROLES, matrix, named_routes, url_for

pytestmark = pytest.mark.django_db

# The permission matrix's world: one object of every kind a URL opens, a user of each role.
world = test_permission_matrix.world

BUDGET = 15
# Addresses with a query string that the lists are used with as much as without.
VARIANTS = {
    "distributors:list": ["?sort=quiet", "?sort=next_meeting&scope=mine", "?prefecture={tokyo}"],
    "distributors:timeline": ["?page=2", "?kind=meeting&kind=feedback"],
    "distributors:activity": [
        "?page=2",
        "?kind=meeting&held=1&quarter=FY2026-Q3",
        "?outcome=achieved&prefecture={tokyo}",
    ],
    "distributors:detail": ["?page=2"],
    "portfolio": ["?sort=senior_contact&level=red"],
}
# Pages still above the budget, with their count at both sizes: issue #11 point 3 is not
# done while this is not empty.
OVER_BUDGET = {}
# How many rounds of data each measurement adds: the second leaves several pages of every
# list (the timeline's 20 rows, the distributor list's 25) behind the first.
SMALL, LARGE = 1, 6

_serial = count()


def pages():
    """{URL name: roles that GET a page or a redirect from it} of docs/permissions.md.

    Downloads (exports, calendar files, evidence) are in: they cost a few queries too. Out
    are the POST-only actions, and the Django admin, Django's own pages for administrators.
    """
    found = {}
    for name, row in matrix().items():
        outcomes = row["methods"].get("GET")
        if name == ADMIN_ROW or outcomes is None:
            continue
        roles = [role for role in ROLES if outcomes[role] in ("200", "302")]
        if roles:
            found[name] = roles
    return found


def grow(world, rounds):
    """Add `rounds` of every kind of row around the world's objects (and new distributors
    in the account manager's portfolio), so each page lists more of what it lists."""
    objects, users = world["objects"], world["users"]
    manager, executive = users["account manager"], users["executive"]
    partner = users["distributor user"]
    distributor, meeting, goal = objects["distributor"], objects["meeting"], objects["goal"]
    now = timezone.now()
    tokyo, osaka = Prefecture.objects.filter(code__in=[13, 27]).order_by("code")
    kind = FigureKind.objects.get(code="sell_in_amount")
    for _ in range(rounds):
        n = next(_serial)
        day = timezone.localdate() - dt.timedelta(days=n)
        other = factories.DistributorFactory(
            account_manager=manager, executive_sponsor=executive, upstream=distributor
        )
        other.prefectures.add(tokyo, osaka)
        other.product_categories.add(factories.ProductCategoryFactory())
        distributor.prefectures.add(tokyo if n % 2 else osaka)
        distributor.product_categories.add(ProductCategory.objects.order_by("?").first())
        for owner in (distributor, other):
            contacts = [
                factories.ContactFactory(distributor=owner, seniority=seniority)
                for seniority in ("executive", "manager")
            ]
            factories.PortalUserFactory(portal_contact__distributor=owner)
            touchpoint = factories.TouchpointFactory(distributor=owner, occurred_on=day)
            touchpoint.contacts.add(*contacts)
            touchpoint.staff.add(manager, executive)
            factories.ActionItemFactory(
                meeting=None, touchpoint=touchpoint, distributor=owner, owner_user=manager
            )
            for starts_at in (now - dt.timedelta(days=n, hours=3), now + dt.timedelta(days=n + 1)):
                other_meeting = factories.AlignmentMeetingFactory(
                    distributors=[owner, other],
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(hours=1),
                    status=AlignmentMeeting.Status.HELD
                    if starts_at < now
                    else AlignmentMeeting.Status.PLANNED,
                    organizer=manager,
                )
                other_meeting.staff_attendees.add(manager, executive)
                other_meeting.contact_attendees.add(*contacts)
                factories.AgendaItemFactory(meeting=other_meeting, proposed_by=manager)
                factories.ActionItemFactory(
                    meeting=other_meeting,
                    distributor=owner,
                    owner_side=Side.DISTRIBUTOR,
                    owner_contact=contacts[0],
                )
            other_goal = factories.GoalFactory(
                distributor=owner, owner_ours=manager, owner_distributor=contacts[0]
            )
            factories.GoalVersionFactory(goal=other_goal)
            factories.GoalAgreementFactory(goal=other_goal, accepted_by=manager)
            milestone = factories.MilestoneFactory(goal=other_goal, target_date=day)
            evaluation = factories.MilestoneEvaluationFactory(
                milestone=milestone, evaluated_on=day, created_by=manager
            )
            evaluation.staff_participants.add(manager)
            evaluation.contact_participants.add(contacts[0])
            factories.MilestoneEvidenceFactory(milestone=milestone, added_by=manager)
            feedback = factories.FeedbackFactory(distributor=owner, submitted_by=partner)
            Feedback.objects.filter(pk=feedback.pk).update(created_at=now - dt.timedelta(days=n))
            factories.FeedbackReplyFactory(feedback=feedback, author=manager)
            figure = PerformanceFigure.objects.create(
                distributor=owner,
                kind=kind,
                # Months back from last month, clear of the world's own figure.
                month=dt.date(2026 - (n + 1) // 12, 12 - (n + 1) % 12, 1),
                value=n,
                source="staff",
                entered_by=manager,
            )
            FigureRevision.objects.create(
                figure=figure, old_value=n, new_value=n + 1, source="staff", changed_by=manager
            )
            factories.SignalSnapshotFactory(distributor=owner, taken_on=day)
            for user in (manager, executive):
                factories.ReminderFactory(
                    distributor=owner, recipient=user, period=f"grow-{n}", due_on=day
                )
        # More of what the world's own meeting, goal, feedback and plan pages show.
        meeting.distributors.add(other)
        meeting.staff_attendees.add(factories.AccountManagerFactory())
        meeting.contact_attendees.add(factories.ContactFactory(distributor=distributor))
        factories.AgendaItemFactory(
            meeting=meeting,
            proposer_side=Side.DISTRIBUTOR,
            proposed_by=partner,
            status=AgendaItem.Status.PROPOSED,
        )
        factories.AgendaItemFactory(meeting=meeting, proposed_by=manager)
        factories.ActionItemFactory(
            meeting=meeting,
            owner_side=Side.DISTRIBUTOR,
            owner_contact=partner.portal_contact,
            distributor=distributor,
        )
        factories.ActionItemFactory(meeting=meeting, owner_user=manager, distributor=distributor)
        milestone = factories.MilestoneFactory(goal=goal, target_date=day)
        factories.MilestoneEvaluationFactory(milestone=milestone, evaluated_on=day)
        factories.MilestoneEvidenceFactory(milestone=milestone, added_by=partner)
        factories.FeedbackReplyFactory(feedback=objects["feedback"], author=manager)
        plan = factories.SharedPlanFactory(author=manager)
        plan.distributors.add(distributor)
        factories.SharedPlanAcknowledgementFactory(plan=plan, user=partner)
        factories.FeedbackFactory(distributor=distributor, submitted_by=partner)
    edit_everything(world, n)


def edit_everything(world, n):
    """Edit each object that a History tab shows, often enough to fill a tab's first page
    with edits only: the tabs read one query per kind of row on the page, so with the same
    kinds on it the small and the large world are compared like for like."""
    objects = world["objects"]
    meeting, goal, milestone = objects["meeting"], objects["goal"], objects["milestone"]
    evaluation = factories.MilestoneEvaluationFactory(milestone=milestone)
    cadence = Cadence.for_distributor(objects["distributor"])
    cadence.save()
    texts = [
        (objects["distributor"], "name_en"),
        (objects["contact"], "title"),
        (meeting, "title"),
        (objects["agenda item"], "title"),
        (objects["action item"], "description"),
        (goal, "title"),
        (milestone, "title"),
        (evaluation, "narrative"),
        (objects["change proposal"], "comment"),
    ]
    for edit in range(10):
        for obj, field in texts:
            setattr(obj, field, f"Edit {n}.{edit}")
            obj.save()
        cadence.due_soon_days = 7 + edit % 2
        cadence.save()


def addresses(world, name, user):
    base = url_for(world, name, named_routes()[name], world_target(name), user)
    tokyo = Prefecture.objects.get(code=13).pk
    return [base] + [base + query.format(tokyo=tokyo) for query in VARIANTS.get(name, [])]


def world_target(name):
    return matrix()[name]["object"]


def measure(client, world, found):
    """{(name, role, address number): (address, queries of its GET)}, each request in a
    savepoint that is rolled back, so that opening a notification changes nothing."""
    counts = {}
    for name, roles in sorted(found.items()):
        for role in roles:
            user = world["users"][role]
            for number, address in enumerate(addresses(world, name, user)):
                for cache in caches.all(initialized_only=True):
                    cache.clear()  # the first visit's count: nothing cached before it
                with transaction.atomic():
                    if user is None:
                        client.logout()
                    else:
                        client.force_login(user)
                    with CaptureQueriesContext(connection) as captured:
                        response = client.get(address)
                    transaction.set_rollback(True)
                assert response.status_code in (200, 302), (address, role, response.status_code)
                counts[(name, role, number)] = (address, len(captured.captured_queries))
    return counts


def test_every_page_stays_within_the_budget_whatever_the_data(world):
    found = pages()
    client = Client()
    grow(world, SMALL)
    few = measure(client, world, found)
    grow(world, LARGE - SMALL)
    many = measure(client, world, found)
    assert len(few) >= len(found)
    growing = {
        f"{key[1]}: {many[key][0]}": (few[key][1], many[key][1])
        for key in few
        if few[key][1] != many[key][1]
    }
    assert growing == {}, f"pages whose count follows the data (small, large): {growing}"
    over, debts = {}, {}
    for (name, role, _number), (address, queries) in many.items():
        if name in OVER_BUDGET:
            debts.setdefault(name, set()).add(queries)
        elif queries > BUDGET:
            over[f"{role}: {address}"] = queries
    assert over == {}, f"pages above {BUDGET} queries: {over}"
    # A page still over the budget may not get worse; once it is brought down, its entry
    # goes (the counts below are then out of date and fail here).
    assert {name: max(counts) for name, counts in debts.items()} == OVER_BUDGET


def test_the_sweep_fails_a_page_that_reads_a_row_per_row(world, monkeypatch):
    from distributors import selectors

    original = selectors.search_distributors

    def one_query_per_row(*args, **kwargs):
        distributors = original(*args, **kwargs)
        for row in distributors:
            list(row.contacts.all())
        return distributors

    monkeypatch.setattr(selectors, "search_distributors", one_query_per_row)
    found = {"distributors:list": ["account manager"]}
    client = Client()
    grow(world, SMALL)
    few = measure(client, world, found)
    grow(world, LARGE - SMALL)
    many = measure(client, world, found)
    assert all(many[key][1] > few[key][1] for key in few)


def test_the_older_link_continues_where_the_page_ended(client, account_manager, distributor):
    """Issue #11 point 4: page N+1 of the timeline starts after the last row of page N (a
    keyset), and shows what the same page found by its number shows, ties included."""
    day = timezone.localdate()
    for index in range(50):
        # Many on one day, and a meeting and feedback at the same moment: ties to break.
        factories.TouchpointFactory(
            distributor=distributor, occurred_on=day - dt.timedelta(index // 4)
        )
    at = timezone.now().replace(microsecond=0)
    for _ in range(3):
        factories.AlignmentMeetingFactory(distributors=[distributor], starts_at=at)
        feedback = factories.FeedbackFactory(distributor=distributor)
        Feedback.objects.filter(pk=feedback.pk).update(created_at=at)
    client.force_login(account_manager)
    url = reverse("distributors:timeline", args=[distributor.pk])
    seen, address = [], url
    for number in (1, 2):
        page = client.get(address).content.decode()
        by_number = client.get(url, {"page": number}).content.decode()
        shown = re.findall(r'<h3 class="h6 mb-\d"><a href="([^"]+)"', page)
        assert shown == re.findall(r'<h3 class="h6 mb-\d"><a href="([^"]+)"', by_number)
        seen += shown
        link = re.search(r'id="timeline-older" href="([^"]+)"', page)
        assert link and "before=" in link[1]
        address = html.unescape(link[1])
    last = client.get(address).content.decode()
    seen += re.findall(r'<h3 class="h6 mb-\d"><a href="([^"]+)"', last)
    assert 'id="timeline-older"' not in last
    assert len(seen) == len(set(seen)) == 56
