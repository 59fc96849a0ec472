"""Isolation sweep: no portal URL gives a distributor's user another distributor's data,
and no staff URL opens to a distributor's user.

Both sweeps find the URL patterns through the URL resolver, so a new view is swept the
day it is added; the other distributor's data is every row that `visible_to` hides from
the first distributor's user, in every scoped model, so a new scoped model must be given
a row in `zebra_world` or `test_the_world_covers_every_scoped_model` fails.
"""

import datetime as dt
import itertools

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from distributors.models import SharedPlan
from meetings.models import AgendaItem, AlignmentMeeting
from prm.choices import Side
from prm.scoping import VisibleToQuerySet
from tests import factories

pytestmark = pytest.mark.django_db

# Every text of the other distributor's data contains one of these.
MARKERS = ("Zebra", "ゼブラ")

# Routes that are not staff pages: the dispatcher sends each role to its own Home; login,
# language switching and one's own settings are for everyone; the calendar feed answers
# to its key.
NOT_STAFF_PAGES = {
    "home",
    "login",
    "logout",
    "set_language",
    "profile",
    "calendar:feed",
    "admin:login",
    "admin:logout",
}


def routes():
    """(name, pattern) of every named URL pattern, with namespaces, from the resolver."""

    def walk(patterns, namespace, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if namespace and entry.namespace:
                    inner = f"{namespace}:{entry.namespace}"
                yield from walk(entry.url_patterns, inner, prefix + [entry.pattern])
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name, prefix + [entry.pattern]

    return list(walk(get_resolver().url_patterns, None, []))


def converters(pattern_chain):
    """{argument: converter name} of a chain of patterns (a regex group counts as "regex")."""
    found = {}
    for pattern in pattern_chain:
        found.update(
            {key: type(value).__name__ for key, value in getattr(pattern, "converters", {}).items()}
        )
        regex = getattr(pattern, "_regex", None)
        if regex and not getattr(pattern, "converters", None):
            found.update(dict.fromkeys(pattern.regex.groupindex, "regex"))
    return found


def portal_routes():
    return [(name, chain) for name, chain in routes() if name.startswith("portal:")]


def staff_routes():
    return [
        (name, chain)
        for name, chain in routes()
        if not name.startswith("portal:") and name not in NOT_STAFF_PAGES
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


def hidden_ids(user):
    """Every primary key of a row that `user` may not see, in every scoped model.

    A route does not say which model its id is of, so an id that is also the key of a
    row `user` may see (their own meeting 2 and the other's goal 2) is left out: that
    route would rightly show their own row.
    """
    hidden, visible = set(), set()
    for model in scoped_models():
        own = model.objects.visible_to(user).values("pk")
        visible |= set(own.values_list("pk", flat=True))
        hidden |= set(model.objects.exclude(pk__in=own).values_list("pk", flat=True))
    return hidden - visible


def row_counts():
    return {model: model.objects.count() for model in apps.get_models()}


def url_with(chain, name, value):
    kwargs = {}
    for key, converter in converters(chain).items():
        if converter == "IntConverter":
            kwargs[key] = value
        elif key == "app_label":  # the admin's app index accepts only real app labels
            kwargs[key] = "distributors"
        else:
            kwargs[key] = "x" * 43
    return reverse(name, kwargs=kwargs)


def test_the_world_covers_every_scoped_model(zebra_world, partner_user):
    for model in scoped_models():
        hidden = model.objects.exclude(pk__in=model.objects.visible_to(partner_user).values("pk"))
        assert hidden.exists(), f"zebra_world has no {model.__name__} that the portal hides"


def test_no_portal_url_shows_another_distributors_data(
    client, zebra_world, own_world, partner_user
):
    client.force_login(partner_user)
    ids = sorted(hidden_ids(partner_user))
    assert ids
    tried = 0
    for name, chain in portal_routes():
        if not converters(chain):
            for method in (client.get, client.post):
                response = method(reverse(name))
                assert not any(m in response.content.decode() for m in MARKERS), name
                tried += 1
            continue
        for pk, method in itertools.product(ids, ("get", "post")):
            url = url_with(chain, name, pk)
            before = row_counts()
            response = getattr(client, method)(url)
            body = response.content.decode(errors="replace")
            assert response.status_code in (404, 405, 410), (url, method, response.status_code)
            assert not any(m in body for m in MARKERS), (url, method)
            if method == "post":
                assert row_counts() == before, (url, "changed the database")
            tried += 1
    # Enough to be a real sweep: every route with an id met every hidden row.
    assert tried >= len(ids) * 2


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
