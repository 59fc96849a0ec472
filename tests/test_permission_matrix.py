"""docs/permissions.md is the truth about who gets what: every named URL has a row, every
row names a URL, and each role's GET (and POST) of every row answers as the table says.

The URLs come from the URL resolver (tests/urls.py), so a new view without a row fails
here. The ids in them are real objects of one small world, within the reach of the
distributor's own user and account manager; each request runs in a savepoint that is
rolled back, so an archive or a logout does not change what the next request finds.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from distributors import services as distributor_services
from distributors.models import DistributorImport, PortalInvitation
from figures.models import FigureImport, FigureKind, PerformanceFigure
from meetings.models import AgendaItem, Reminder
from milestones import services as milestone_services
from prm.choices import Side
from tests import factories
from tests.urls import converters, route_path, routes

pytestmark = pytest.mark.django_db

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"
ROLES = ("anonymous", "distributor user", "account manager", "executive", "administrator")
ADMIN_ROW = "admin:*"
# The admin's pages are one row, checked on its index and on one change page.
ADMIN_SAMPLES = (("admin:index", None), ("admin:distributors_distributor_change", "distributor"))
INVITATION_TOKEN = "matrix-invitation-token-0123456789abcdef"
OUTCOME = re.compile(r"^(200|201|204|302→login|302|400|401|403|404|405|410|415|429)$")


def matrix():
    """{URL name: row} of the table in docs/permissions.md; a row is a dict with its path,
    object, methods and the outcome for each role."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("| `") or len(cells) != 4 + len(ROLES):
            continue
        name, path, target, methods, *outcomes = cells
        name, path = name.strip("`"), path.strip("`")
        for method in (m.strip() for m in methods.split(",")):
            assert method in ("GET", "POST"), (name, methods)
            assert (name, method) not in {(n, m) for n, r in rows.items() for m in r["methods"]}
        for outcome in outcomes:
            assert OUTCOME.match(outcome), (name, outcome)
        row = rows.setdefault(name, {"path": path, "object": target, "methods": {}})
        assert row["path"] == path and row["object"] == target, f"{name}: rows disagree"
        for method in methods.split(","):
            row["methods"][method.strip()] = dict(zip(ROLES, outcomes, strict=True))
    return rows


@pytest.fixture
def world(settings, tmp_path, distributor, partner_user, account_manager, executive):
    """One distributor with a row of every kind a URL opens, and a user of each role."""
    settings.PRM_PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    contact = factories.ContactFactory(distributor=distributor)
    partner_contact = partner_user.portal_contact
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
    goal = factories.GoalFactory(distributor=distributor)
    factories.GoalVersionFactory(goal=goal)
    milestone = factories.MilestoneFactory(goal=goal)
    invited = factories.ContactFactory(distributor=distributor)
    invitation = distributor_services.do_invite_contact(account_manager, invited)
    PortalInvitation.objects.filter(pk=invitation.pk).update(
        token_hash=PortalInvitation.hash_token(INVITATION_TOKEN)
    )
    administrator = factories.UserFactory(is_superuser=True, is_staff=True)
    objects = {
        "distributor": distributor,
        "contact": contact,
        "touchpoint": factories.TouchpointFactory(distributor=distributor),
        "meeting": meeting,
        "agenda item": factories.AgendaItemFactory(
            meeting=meeting,
            proposer_side=Side.DISTRIBUTOR,
            proposed_by=partner_user,
            status=AgendaItem.Status.PROPOSED,
        ),
        "action item": factories.ActionItemFactory(
            meeting=meeting, owner_side=Side.DISTRIBUTOR, owner_contact=partner_contact
        ),
        "goal": goal,
        "milestone": milestone,
        "change proposal": factories.GoalChangeProposalFactory(goal=goal, proposed_by=partner_user),
        "evidence": milestone_services.do_add_evidence(
            partner_user,
            milestone,
            upload=SimpleUploadedFile("booth.pdf", b"%PDF-1.4 booth", "application/pdf"),
        ),
        "feedback": factories.FeedbackFactory(distributor=distributor, submitted_by=partner_user),
        "plan": factories.SharedPlanFactory(),
        # An import is its uploader's: the account manager's own, awaiting confirmation.
        "figure import": FigureImport.objects.create(
            uploaded_by=account_manager, file_name="figures.csv"
        ),
        "distributor import": DistributorImport.objects.create(
            uploaded_by=account_manager, file_name="contacts.csv", kind="contacts"
        ),
        "figure kind": FigureKind.objects.get(code="sell_in_amount"),
        "figure": PerformanceFigure.objects.create(
            distributor=distributor,
            kind=FigureKind.objects.get(code="sell_in_amount"),
            month=dt.date(2025, 4, 1),
            value=1,
            source="staff",
        ),
    }
    users = {
        "anonymous": None,
        "distributor user": partner_user,
        "account manager": account_manager,
        "executive": executive,
        "administrator": administrator,
    }
    for user in (account_manager, executive):
        factories.ReminderFactory(distributor=distributor, recipient=user)
        user.calendar_token = f"matrix-calendar-key-of-{user.pk}-0123456789"
        user.save(update_fields=["calendar_token"])
    return {"objects": objects, "users": users, "account_manager": account_manager}


def own(world, user, field):
    """The signed-in user's own notification or calendar key; the account manager's for a
    role that has none (a key is the credential, whoever holds it)."""
    holder = user if user is not None and user.is_staff_member else world["account_manager"]
    if field == "notification":
        return Reminder.objects.filter(recipient=holder).first().pk
    return holder.calendar_token


def url_for(world, name, chain, target, user):
    arguments = converters(chain)
    if not arguments:
        return reverse(name)
    [argument] = arguments
    if target in ("notification", "calendar key"):
        value = own(world, user, target)
    elif target == "invitation":
        value = INVITATION_TOKEN
    else:
        value = world["objects"][target].pk
    return reverse(name, kwargs={argument: value})


def outcome(response):
    if response.status_code in (301, 302, 303):
        to_login = response.url.startswith((reverse("login"), reverse("admin:login")))
        return "302→login" if to_login else "302"
    return str(response.status_code)


def answer(client, user, method, url):
    """What `user` gets for `method` on `url`, with everything it changed rolled back."""
    with transaction.atomic():
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        response = getattr(client, method.lower())(url)
        transaction.set_rollback(True)
    return outcome(response)


def named_routes():
    """{name: pattern} of every URL outside the admin; of two patterns with one name (an
    API's format suffix), the first, which reverse() gives."""
    found = {}
    for name, chain in routes():
        if not name.startswith("admin:"):
            found.setdefault(name, chain)
    return found


def test_every_url_has_a_row_and_every_row_a_url():
    rows = matrix()
    urls = named_routes()
    assert sorted(set(urls) - set(rows)) == [], "URLs without a row in docs/permissions.md"
    assert sorted(set(rows) - set(urls) - {ADMIN_ROW}) == [], "rows naming no URL"
    assert ADMIN_ROW in rows
    wrong_paths = [
        (name, row["path"], route_path(urls[name]))
        for name, row in rows.items()
        if name in urls and row["path"] != route_path(urls[name])
    ]
    assert wrong_paths == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says(role, world):
    rows = matrix()
    urls = named_routes()
    user = world["users"][role]
    client = Client()
    differences, checked = [], 0
    for name, row in sorted(rows.items()):
        if name == ADMIN_ROW:
            samples = [(n, dict(routes())[n], t) for n, t in ADMIN_SAMPLES]
        else:
            samples = [(name, urls[name], row["object"])]
        for url_name, chain, target in samples:
            url = url_for(world, url_name, chain, target, user)
            for method, expected in row["methods"].items():
                got = answer(client, user, method, url)
                checked += 1
                if got != expected[role]:
                    differences.append(
                        f"{method} {url} ({url_name}): {got}, table: {expected[role]}"
                    )
    assert differences == []
    assert checked >= len(urls)


def test_an_account_manager_may_edit_another_managers_distributor(client, world):
    """The rule of docs/permissions.md: account managers work on every distributor, not
    only their own portfolio; the change is kept in the audit history."""
    other = factories.DistributorFactory(account_manager=factories.AccountManagerFactory())
    client.force_login(world["account_manager"])
    url = reverse("distributors:edit", args=[other.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("distributors:detail", args=[other.pk])).status_code == 200
