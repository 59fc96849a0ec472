"""Each main page, read in Japanese, shows its labels in Japanese and none in English.

The Japanese wording is the catalogue's (locale/ja/LC_MESSAGES/django.po, compiled by
`make test`), so a label that loses its translation, or a page that stops marking one,
fails here.
"""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from distributors.models import PortalInvitation
from distributors.services import do_invite_contact
from prm.choices import Side
from tests import factories

pytestmark = pytest.mark.django_db

# Per page: a few of its English UI labels (headings, buttons, column headers).
LABELS = {
    "login": ["Log in to PRM", "Log in", "Password"],
    "my_week": [
        "My week",
        "Contact due with my distributors",
        "Meetings in the next 14 days",
        "My open action items",
        "New feedback",
    ],
    "distributor_list": [
        "New distributor",
        "Apply",
        "Clear filters",
        "Role in the network",
        "Last touchpoint",
        "Next meeting",
    ],
    "distributor_page": [
        "Profile",
        "Contacts",
        "Add a contact",
        "Goals and milestones",
        "Log a touchpoint",
        "Edit profile",
    ],
    "meeting": [
        "When and where",
        "Attendees",
        "Agenda",
        "Action items",
        "Record minutes",
        "Add to calendar (.ics)",
    ],
    "goal": ["Edit goal", "Add a milestone", "Horizon", "Milestones", "Record an evaluation"],
    "portfolio": ["Partner portfolio", "Export CSV", "Export Excel", "By lifecycle status"],
    "portal_home": [
        "Your partner portal",
        "Our next meeting",
        "Your open action items",
        "Goals waiting for your acceptance",
        "New plans shared with you",
    ],
    "portal_goal_list": ["Goals", "Agreement", "Horizon", "Milestones"],
    "portal_goal_detail": [
        "What we agree on",
        "Owner in our team",
        "Owner in your company",
        "Propose a change",
        "Evaluations",
    ],
    "portal_meeting_list": ["Upcoming meetings", "Past meetings", "Details, or propose an item"],
    "portal_meeting_detail": [
        "When and where",
        "Attendees",
        "Propose an agenda item",
        "Send the proposal",
        "Action items",
    ],
    "portal_feedback_list": ["Your feedback", "Send feedback", "Subject", "Sent at", "Last reply"],
    "portal_feedback_new": ["Send the feedback", "Cancel", "Your feedback"],
    "portal_feedback_detail": ["Replies", "Send the answer", "Sent at", "Message"],
    "portal_goal_propose_change": ["Propose a change", "What should change, and why?", "Cancel"],
    "portal_evidence_add": ["Add evidence", "What happened", "Link", "File", "Add the evidence"],
    "portal_figures": [
        "Figures",
        "Enter or correct a month",
        "Save the figure",
        "All figures and their history",
    ],
    "portal_plan_list": ["Shared plans", "Shared on", "Not yet read"],
    "portal_plan_detail": [
        "Have you read it?",
        "I have read this plan",
        "Shared on",
        "Shared plans",
    ],
    "portal_invitation": [
        "Welcome to the partner portal",
        "Choose a password to finish setting up your login. This link works once.",
        "Set my password and open the portal",
    ],
}

# The token of the invitation link that `world` opens.
INVITATION_TOKEN = "invitation-token-for-the-japanese-page"


@pytest.fixture
def world(account_manager, executive, distributor):
    """Every page with something on it, and each reader preferring Japanese."""
    partner = factories.PortalUserFactory(portal_contact__distributor=distributor)
    for user in (account_manager, executive, partner):
        user.language = "ja"
        user.save(update_fields=["language"])
    contact = partner.portal_contact
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
    meeting.contact_attendees.add(contact)
    factories.ActionItemFactory(meeting=meeting, owner_side=Side.DISTRIBUTOR, owner_contact=contact)
    goal = factories.GoalFactory(distributor=distributor, owner_distributor=contact)
    milestone = factories.MilestoneFactory(goal=goal)
    factories.MilestoneEvaluationFactory(milestone=milestone)
    factories.TouchpointFactory(distributor=distributor)
    feedback = factories.FeedbackFactory(distributor=distributor)
    plan = factories.SharedPlanFactory()
    # A Japanese-speaking contact invited to the portal, who has no login to prefer anything.
    invitee = factories.ContactFactory(distributor=distributor, language="ja")
    invitation = do_invite_contact(account_manager, invitee)
    PortalInvitation.objects.filter(pk=invitation.pk).update(
        token_hash=PortalInvitation.hash_token(INVITATION_TOKEN)
    )
    return {
        "login": (None, reverse("login")),
        "my_week": (account_manager, reverse("my_week")),
        "distributor_list": (account_manager, reverse("distributors:list")),
        "distributor_page": (account_manager, distributor.get_absolute_url()),
        "meeting": (account_manager, reverse("meetings:meeting_detail", args=[meeting.pk])),
        "goal": (account_manager, reverse("milestones:goal_detail", args=[goal.pk])),
        "portfolio": (executive, reverse("portfolio")),
        "portal_home": (partner, reverse("portal:home")),
        "portal_goal_list": (partner, reverse("portal:goal_list")),
        "portal_goal_detail": (partner, reverse("portal:goal_detail", args=[goal.pk])),
        "portal_meeting_list": (partner, reverse("portal:meeting_list")),
        "portal_meeting_detail": (partner, reverse("portal:meeting_detail", args=[meeting.pk])),
        "portal_feedback_list": (partner, reverse("portal:feedback_list")),
        "portal_feedback_new": (partner, reverse("portal:feedback_create")),
        "portal_feedback_detail": (
            partner,
            reverse("portal:feedback_detail", args=[feedback.pk]),
        ),
        "portal_goal_propose_change": (
            partner,
            reverse("portal:goal_propose_change", args=[goal.pk]),
        ),
        "portal_evidence_add": (partner, reverse("portal:evidence_add", args=[milestone.pk])),
        "portal_figures": (partner, reverse("portal:figures")),
        "portal_plan_list": (partner, reverse("portal:plan_list")),
        "portal_plan_detail": (partner, reverse("portal:plan_detail", args=[plan.pk])),
        "portal_invitation": (None, reverse("portal:invitation_accept", args=[INVITATION_TOKEN])),
    }


def visible_text(page):
    """What a reader sees: the page without its tags, scripts and styles."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", page))


@pytest.mark.parametrize("name", LABELS)
def test_the_page_reads_in_japanese(client, world, name):
    user, url = world[name]
    if user is not None:
        client.force_login(user)
    # The browser asks for Japanese too: only the login page, which knows no user, reads it.
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="ja"' in page
    text = visible_text(page)
    with translation.override("ja"):
        for label in LABELS[name]:
            japanese = gettext(label)
            assert japanese != label, f"{label!r} has no Japanese translation"
            assert japanese in text, f"{japanese!r} ({label!r}) is not on the page"
            assert label not in text, f"{label!r} is still in English"
