"""Isolation sweep: no portal URL gives a distributor's user another distributor's data,
and no staff URL opens to a distributor's user.

Both sweeps find the URL patterns through the URL resolver, so a new view is swept the
day it is added; the other distributor's data is every row that `visible_to` hides from
the first distributor's user, in every scoped model, so a new scoped model must be given
a row in `zebra_world` or `test_the_world_covers_every_scoped_model` fails. A third sweep
renders every portal page on the user's own data and finds none of our internal fields.
"""

import datetime as dt
import itertools

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from dashboard.signals import Level
from distributors.models import Distributor, SharedPlan
from figures.models import FigureKind, FigureRevision, PerformanceFigure
from meetings.models import ActionItem, AgendaItem, AlignmentMeeting, Touchpoint
from prm.choices import Side
from prm.scoping import VisibleToQuerySet
from tests import factories
from tests.urls import POSITIONAL, converters, routes

pytestmark = pytest.mark.django_db

# Every text of the other distributor's data contains one of these.
MARKERS = ("Zebra", "ゼブラ")

# Routes that are not staff pages: the dispatcher sends each role to its own Home; login,
# language switching, one's own settings, the health check and the benchmark's floor page
# (no data) are for everyone; the calendar feed answers to its key.
NOT_STAFF_PAGES = {
    "home",
    "login",
    "logout",
    "set_language",
    "profile",
    "calendar:feed",
    "healthz",
    "bench_floor",
    "admin:login",
    "admin:logout",
}


# A POST that every portal form would take as valid, so that a view that forgot to scope
# its object would really write to it (an empty POST is refused before any write).
VALID_POST = {
    "version": 1,
    "comment": "Please move the horizon by a quarter.",
    "title": "Proposed item",
    "description": "Details",
    "note": "Done as agreed.",
    "kind": "concern",
    "subject": "Late deliveries",
    "body": "Two deliveries came late.",
    "text": "Photos of the tasting corner.",
    "link": "https://example.com/evidence",
}


def portal_routes():
    return [(name, chain) for name, chain in routes() if name.startswith("portal:")]


def staff_routes():
    return [
        (name, chain)
        for name, chain in routes()
        # The API scopes its rows like the portal: tests/test_api_access.py sweeps it.
        if not name.startswith(("portal:", "api:")) and name not in NOT_STAFF_PAGES
    ]


def scoped_models():
    return [
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), VisibleToQuerySet)
    ]


@pytest.fixture
def zebra_world(account_manager):
    """A second distributor with a row of every kind the portal could show."""
    zebra = factories.DistributorFactory(
        name_en="Zebra Trading",
        name_ja="ゼブラ商事",
        notes="Zebra internal note",
        account_manager=account_manager,
    )
    partner = factories.PortalUserFactory(
        username="zebra-partner",
        portal_contact__distributor=zebra,
        portal_contact__name_latin="Zebra Contact",
    )
    contact = partner.portal_contact
    meeting = factories.AlignmentMeetingFactory(
        distributors=[zebra],
        title="Zebra alignment",
        minutes_market_trends="Zebra minutes",
    )
    factories.AgendaItemFactory(meeting=meeting, title="Zebra agenda")
    factories.AgendaItemFactory(
        meeting=meeting,
        title="Zebra proposal",
        proposer_side=Side.DISTRIBUTOR,
        proposed_by=partner,
        status=AgendaItem.Status.PROPOSED,
    )
    factories.ActionItemFactory(
        meeting=meeting,
        description="Zebra action",
        owner_side=Side.DISTRIBUTOR,
        owner_contact=contact,
    )
    factories.ActionItemFactory(meeting=meeting, description="Zebra action ours")
    touchpoint = factories.TouchpointFactory(
        distributor=zebra, notes="Zebra visit", unspoken_concerns="Zebra unspoken"
    )
    touchpoint.contacts.set([contact])
    goal = factories.GoalFactory(distributor=zebra, title="Zebra goal")
    factories.GoalVersionFactory(goal=goal)
    factories.GoalAgreementFactory(goal=goal, side=Side.OURS, comment="Zebra agreement")
    milestone = factories.MilestoneFactory(goal=goal, title="Zebra milestone")
    factories.MilestoneEvaluationFactory(milestone=milestone, narrative="Zebra evaluation")
    factories.MilestoneEvidenceFactory(milestone=milestone, text="Zebra evidence", added_by=partner)
    factories.GoalChangeProposalFactory(goal=goal, proposed_by=partner, comment="Zebra change")
    feedback = factories.FeedbackFactory(
        distributor=zebra, subject="Zebra feedback", body="Zebra body", submitted_by=partner
    )
    factories.FeedbackReplyFactory(feedback=feedback, body="Zebra reply")
    plan = factories.SharedPlanFactory(
        title="Zebra plan", body="Zebra plan body", audience=SharedPlan.Audience.CHOSEN
    )
    plan.distributors.set([zebra])
    factories.SharedPlanAcknowledgementFactory(plan=plan, user=partner)
    FigureKind.objects.filter(code="inventory_weeks").update(shared_with_distributor=False)
    figure = PerformanceFigure.objects.create(
        distributor=zebra,
        kind=FigureKind.objects.first(),
        month=dt.date(2026, 1, 1),
        value=1,
        source="staff",
    )
    FigureRevision.objects.create(figure=figure, new_value=1, source="staff")
    return zebra


@pytest.fixture
def own_world(distributor, partner_user):
    """The first distributor's own rows, so that the staff sweep has real ids to try."""
    meeting = factories.AlignmentMeetingFactory(
        distributors=[distributor],
        starts_at=timezone.now() + dt.timedelta(days=5),
        ends_at=timezone.now() + dt.timedelta(days=5, hours=1),
    )
    factories.ActionItemFactory(meeting=meeting, owner_side=Side.DISTRIBUTOR)
    goal = factories.GoalFactory(distributor=distributor)
    factories.MilestoneFactory(goal=goal)
    factories.FeedbackFactory(distributor=distributor, submitted_by=partner_user)
    return distributor


def hidden_and_visible_ids(user):
    """Every primary key of a row `user` may not see, and of one they may, in every scoped
    model. A route does not say which model its id is of: the other's goal 2 and the
    user's own meeting 2 share a number."""
    hidden, visible = set(), set()
    for model in scoped_models():
        own = model.objects.visible_to(user).values("pk")
        visible |= set(own.values_list("pk", flat=True))
        hidden |= set(model.objects.exclude(pk__in=own).values_list("pk", flat=True))
    return hidden, visible


def hidden_ids(user):
    """The keys of rows `user` may not see that are no key of a row they may see."""
    hidden, visible = hidden_and_visible_ids(user)
    return hidden - visible


def row_counts():
    return {model: model.objects.count() for model in apps.get_models()}


def hidden_rows(user):
    """Every row `user` may not see, with all its values, new rows of the other included."""
    rows = {}
    for model in scoped_models():
        own = model.objects.visible_to(user).values("pk")
        for row in model.objects.exclude(pk__in=own).values():
            rows[model._meta.label, row[model._meta.pk.attname]] = row
    return rows


def url_with(chain, name, value):
    arguments = converters(chain)
    if any(key.startswith(POSITIONAL) for key in arguments):
        return reverse(name, args=[value] * len(arguments))
    kwargs = {}
    for key, converter in arguments.items():
        if converter == "IntConverter":
            kwargs[key] = value
        elif key == "app_label":  # the admin's app index accepts only real app labels
            kwargs[key] = "distributors"
        else:
            kwargs[key] = "x" * 43
    return reverse(name, kwargs=kwargs)


def send(client, method, url):
    return client.post(url, VALID_POST) if method == "post" else client.get(url)


def test_the_world_covers_every_scoped_model(zebra_world, partner_user):
    for model in scoped_models():
        hidden = model.objects.exclude(pk__in=model.objects.visible_to(partner_user).values("pk"))
        assert hidden.exists(), f"zebra_world has no {model.__name__} that the portal hides"


def test_no_portal_url_shows_another_distributors_data(
    client, zebra_world, own_world, partner_user
):
    client.force_login(partner_user)
    hidden, visible = hidden_and_visible_ids(partner_user)
    assert hidden
    tried = 0
    for name, chain in portal_routes():
        if not converters(chain):
            for method in ("get", "post"):
                response = send(client, method, reverse(name))
                assert not any(m in response.content.decode() for m in MARKERS), name
                tried += 1
            continue
        for pk, method in itertools.product(sorted(hidden), ("get", "post")):
            url = url_with(chain, name, pk)
            before, others_before = row_counts(), hidden_rows(partner_user)
            response = send(client, method, url)
            body = response.content.decode(errors="replace")
            assert not any(m in body for m in MARKERS), (url, method)
            # Whatever the number finds, nothing of the other distributor changes or is added.
            assert hidden_rows(partner_user) == others_before, (url, method, "wrote to theirs")
            # The number may also be the key of one of the user's own rows, which the
            # route rightly serves; any other number must find nothing.
            if pk not in visible:
                assert response.status_code in (404, 405, 410), (url, method, response.status_code)
                if method == "post":
                    assert row_counts() == before, (url, "changed the database")
            tried += 1
    # Enough to be a real sweep: every route with an id met every hidden row.
    assert tried >= len(hidden) * 2
    print(f"portal sweep: {tried} URL × id × method combinations")


def test_no_staff_url_opens_to_a_distributor_user(client, own_world, partner_user):
    client.force_login(partner_user)
    own_ids = sorted(
        {own_world.pk}
        | set(AlignmentMeeting.objects.filter(distributors=own_world).values_list("pk", flat=True))
    )
    login = reverse("login")
    opened = []
    for name, chain in staff_routes():
        for pk in own_ids if converters(chain) else [None]:
            url = url_with(chain, name, pk) if pk is not None else reverse(name)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                redirected_to_login = response.status_code == 302 and (
                    response.url.startswith(login) or response.url.startswith("/admin/login/")
                )
                if response.status_code not in (403, 405) and not redirected_to_login:
                    opened.append((method, url, response.status_code))
    assert opened == []


# --- field level: the user's own distributor, with every internal field filled in ----------

# Written where only our own people read it.
INTERNAL = "INTERNAL-ONLY"


@pytest.fixture
def internal_world(distributor, partner_user):
    """The first distributor's own rows, each internal field marked, beside what is shared."""
    Distributor.objects.filter(pk=distributor.pk).update(notes=f"{INTERNAL} distributor notes")
    contact = partner_user.portal_contact
    touchpoint = factories.TouchpointFactory(
        distributor=distributor,
        mood=Touchpoint.Mood.CONCERN,
        notes=f"{INTERNAL} visit notes",
        unspoken_concerns=f"{INTERNAL} unspoken concern",
    )
    touchpoint.contacts.set([contact])
    ActionItem.objects.create(
        touchpoint=touchpoint,
        distributor=distributor,
        description=f"{INTERNAL} call them back",
        owner_side=Side.DISTRIBUTOR,
    )
    held = factories.AlignmentMeetingFactory(
        distributors=[distributor],
        title="Held alignment",
        status=AlignmentMeeting.Status.HELD,
        starts_at=timezone.now() - dt.timedelta(days=10),
        ends_at=timezone.now() - dt.timedelta(days=10, hours=-1),
        minutes_market_trends=f"{INTERNAL} market trends",
        minutes_feedback=f"{INTERNAL} feedback discussed",
        minutes_joint_learning=f"{INTERNAL} joint learning",
        decisions=f"{INTERNAL} decisions",
        minutes_shared=False,
    )
    held.contact_attendees.add(contact)
    upcoming = factories.AlignmentMeetingFactory(distributors=[distributor])
    factories.AgendaItemFactory(meeting=upcoming, title="Shared agenda item")
    factories.ActionItemFactory(
        meeting=upcoming, owner_side=Side.DISTRIBUTOR, owner_contact=contact
    )
    goal = factories.GoalFactory(distributor=distributor, owner_distributor=contact)
    factories.GoalVersionFactory(goal=goal)
    factories.GoalAgreementFactory(goal=goal, side=Side.OURS)
    milestone = factories.MilestoneFactory(goal=goal)
    factories.MilestoneEvaluationFactory(milestone=milestone, narrative="Shared evaluation")
    factories.MilestoneEvaluationFactory(
        milestone=milestone,
        narrative=f"{INTERNAL} evaluation",
        shared_with_distributor=False,
    )
    factories.MilestoneEvidenceFactory(
        milestone=milestone, text="Our evidence", added_by=partner_user
    )
    feedback = factories.FeedbackFactory(distributor=distributor, submitted_by=partner_user)
    factories.FeedbackReplyFactory(feedback=feedback, body="Our reply")
    factories.SharedPlanFactory(title="Shared plan")
    return distributor


def test_no_portal_page_shows_an_internal_field(client, internal_world, partner_user):
    """Every portal page, with every key of the user's own rows: the rendered HTML never
    holds an internal field, nor a health signal of the relationship."""
    client.force_login(partner_user)
    _hidden, visible = hidden_and_visible_ids(partner_user)
    signal_labels = [str(level.label) for level in Level]
    pages = {}
    for name, chain in portal_routes():
        urls = (
            [url_with(chain, name, pk) for pk in sorted(visible)]
            if converters(chain)
            else [reverse(name)]
        )
        for url in urls:
            response = client.get(url)
            if response.status_code == 200:
                pages[url] = response.content.decode()
    for url, body in pages.items():
        assert INTERNAL not in body, url
        assert not any(label in body for label in signal_labels), url
    # The sweep rendered the pages that hold the internal fields' shared neighbours.
    everything = "".join(pages.values())
    for shared in ("Held alignment", "Shared agenda item", "Shared evaluation", "Our reply"):
        assert shared in everything, shared
