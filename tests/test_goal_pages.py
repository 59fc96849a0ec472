"""Goals, milestones and evaluations in the account managers' workspace (issue 4, item 7)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from milestones import services
from milestones.models import Goal, GoalVersion, Milestone, MilestoneEvaluation
from prm.choices import Side
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

AGREED = str(Goal.Agreement.AGREED.label)
WAITING_FOR_DISTRIBUTOR = str(Goal.Agreement.AWAITING_DISTRIBUTOR.label)
NOT_ACCEPTED = str(Goal.Agreement.NOT_ACCEPTED.label)


@pytest.fixture
def owner(distributor):
    return factories.ContactFactory(distributor=distributor, name_latin="Kenji Sato")


@pytest.fixture
def stranger():
    """A contact at another distributor, who must never be offered nor accepted."""
    return factories.ContactFactory(name_latin="Outsider Tanaka")


@pytest.fixture
def goal(account_manager, distributor, owner):
    return services.do_create_goal(
        account_manager,
        distributor,
        title="Open the Kansai drugstore channel",
        description="Listed in two Kansai drugstore chains.",
        rationale="Drugstores are where our customers shop.",
        measure="Two chains listing the gift set",
        horizon_start=dt.date(2026, 4, 1),
        horizon_end=dt.date(2028, 3, 31),
        owner_ours=account_manager,
        owner_distributor=owner,
    )


@pytest.fixture
def milestone(goal):
    return factories.MilestoneFactory(goal=goal, title="FOODEX Japan booth")


@pytest.fixture
def meeting(distributor):
    return factories.AlignmentMeetingFactory(distributors=[distributor], title="Q2 alignment")


def goal_data(goal=None, **changes):
    """The goal form as the browser sends it: the goal's values, or a new goal's."""
    data = {
        "title": "Open the Kansai drugstore channel",
        "description": "Listed in two Kansai drugstore chains.",
        "rationale": "Drugstores are where our customers shop.",
        "measure": "Two chains listing the gift set",
        "horizon_start": "2026-04-01",
        "horizon_end": "2028-03-31",
        "owner_ours": goal.owner_ours_id if goal else "",
        "owner_distributor": (goal.owner_distributor_id or "") if goal else "",
        "status": goal.status if goal else "",
    }
    data.update(changes)
    return data


def accept_as_distributor(goal):
    factories.GoalAgreementFactory(
        goal=goal, version=goal.version, side=Side.DISTRIBUTOR, accepted_by=None
    )


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- goals ---------------------------------------------------------------------------


def test_new_goal_form_offers_only_this_distributor_contacts(
    client, account_manager, executive, distributor, owner, stranger, partner_user
):
    client.force_login(account_manager)
    html = page(client, reverse("milestones:goal_create") + f"?distributor={distributor.pk}")
    assert "New goal with" in html and distributor.name_en in html
    form = client.get(reverse("milestones:goal_create") + f"?distributor={distributor.pk}").context[
        "form"
    ]
    # The portal user is a contact at the distributor too; the stranger is not offered.
    contacts = set(form.fields["owner_distributor"].queryset)
    assert contacts == {owner, partner_user.portal_contact}
    assert set(form.fields["owner_ours"].queryset) == {account_manager, executive}
    assert form.initial["owner_ours"] == account_manager
    assert "<legend" in html and 'type="date"' in html


def test_creating_a_goal_proposes_version_1_and_keeps_its_snapshot(
    client, account_manager, distributor, owner
):
    client.force_login(account_manager)
    response = client.post(
        reverse("milestones:goal_create") + f"?distributor={distributor.pk}",
        goal_data(owner_ours=account_manager.pk, owner_distributor=owner.pk),
    )
    goal = Goal.objects.get()
    assert response.status_code == 302 and response.url == goal.get_absolute_url()
    assert (goal.distributor, goal.version, goal.owner_distributor) == (distributor, 1, owner)
    assert goal.status == Goal.Status.OPEN
    snapshot = goal.versions.get()
    assert (snapshot.version, snapshot.title, snapshot.created_by) == (
        1,
        "Open the Kansai drugstore channel",
        account_manager,
    )
    assert (snapshot.owner_ours, snapshot.owner_distributor) == (account_manager, owner)
    html = page(client, goal.get_absolute_url())
    assert NOT_ACCEPTED in html
    assert "Two chains listing the gift set" in html and "Kenji Sato" in html
    assert "Accept version 1 for our side" in html


def test_horizon_out_of_order_is_an_error_next_to_the_field_and_keeps_what_was_typed(
    client, account_manager, distributor
):
    client.force_login(account_manager)
    response = client.post(
        reverse("milestones:goal_create") + f"?distributor={distributor.pk}",
        goal_data(
            owner_ours=account_manager.pk,
            horizon_start="2027-04-01",
            horizon_end="2027-03-31",
            measure="Ten new doors in Osaka",
        ),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["horizon_end"]
    html = response.content.decode()
    assert "The horizon must end after it starts." in html
    assert 'value="2027-04-01"' in html and 'value="2027-03-31"' in html
    assert "Ten new doors in Osaka" in html
    assert not Goal.objects.exists()


def test_a_contact_of_another_distributor_is_a_form_error(
    client, account_manager, distributor, stranger
):
    client.force_login(account_manager)
    response = client.post(
        reverse("milestones:goal_create") + f"?distributor={distributor.pk}",
        goal_data(owner_ours=account_manager.pk, owner_distributor=stranger.pk),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["owner_distributor"]
    assert not Goal.objects.exists()


def test_a_distributor_user_cannot_own_a_goal_on_our_side(
    client, account_manager, distributor, partner_user
):
    client.force_login(account_manager)
    response = client.post(
        reverse("milestones:goal_create") + f"?distributor={distributor.pk}",
        goal_data(owner_ours=partner_user.pk),
    )
    assert list(response.context["form"].errors) == ["owner_ours"]


@pytest.mark.parametrize("query", ["", "?distributor=", "?distributor=abc", "?distributor=0"])
def test_new_goal_needs_an_existing_distributor(client, account_manager, query):
    client.force_login(account_manager)
    assert client.get(reverse("milestones:goal_create") + query).status_code == 404


def test_no_new_goal_with_an_archived_distributor(client, account_manager):
    archived = factories.DistributorFactory(archived_at=timezone.now())
    client.force_login(account_manager)
    url = reverse("milestones:goal_create") + f"?distributor={archived.pk}"
    assert client.get(url).status_code == 404


def test_our_acceptance_leaves_the_goal_waiting_for_the_distributor(client, account_manager, goal):
    client.force_login(account_manager)
    response = client.post(reverse("milestones:goal_accept", args=[goal.pk]), {"version": 1})
    assert response.status_code == 302 and response.url == goal.get_absolute_url()
    agreement = goal.agreements.get()
    assert (agreement.version, agreement.side, agreement.accepted_by) == (
        1,
        Side.OURS,
        account_manager,
    )
    html = page(client, goal.get_absolute_url())
    assert WAITING_FOR_DISTRIBUTOR in html
    assert "Our side accepted version 1." in html
    assert "accepted version 1 on" in html
    assert "Accept version 1 for our side" not in html
    # Accepting again changes nothing.
    client.post(reverse("milestones:goal_accept", args=[goal.pk]), {"version": 1})
    assert goal.agreements.count() == 1


def test_accepting_a_version_that_is_no_longer_current_is_refused(client, account_manager, goal):
    Goal.objects.filter(pk=goal.pk).update(version=2)
    client.force_login(account_manager)
    response = client.post(
        reverse("milestones:goal_accept", args=[goal.pk]), {"version": 1}, follow=True
    )
    assert "The goal changed to version 2 since you opened it" in response.content.decode()
    assert not goal.agreements.exists()


def test_the_distributor_acceptance_of_the_same_version_makes_the_goal_agreed(
    client, account_manager, goal
):
    services.do_accept_goal(account_manager, goal)
    accept_as_distributor(goal)
    client.force_login(account_manager)
    html = page(client, goal.get_absolute_url())
    assert AGREED in html
    assert html.count("accepted version 1 on") == 2


def test_editing_what_an_agreed_goal_says_makes_version_2_with_its_history(
    client, account_manager, goal
):
    services.do_accept_goal(account_manager, goal)
    accept_as_distributor(goal)
    client.force_login(account_manager)
    response = client.post(
        reverse("milestones:goal_edit", args=[goal.pk]),
        goal_data(goal, measure="Three chains listing the gift set", horizon_end="2028-09-30"),
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.version == 2
    assert goal.agreement_state() == Goal.Agreement.NOT_ACCEPTED
    assert list(goal.versions.values_list("version", "measure")) == [
        (2, "Three chains listing the gift set"),
        (1, "Two chains listing the gift set"),
    ]
    html = page(client, goal.get_absolute_url())
    assert "Saved as version 2: both sides need to accept it again." in html
    assert NOT_ACCEPTED in html
    assert "Version 2 of" in html and "Version 1 of" in html
    assert "<del>Two chains listing the gift set</del>" in html
    assert "<ins>Three chains listing the gift set</ins>" in html
    assert "Horizon until" in html
    assert "Last accepted version 1 on" in html
    assert "Accept version 2 for our side" in html


def test_a_goal_without_recorded_versions_still_shows(client, account_manager):
    """Goals loaded in bulk (seed_demo) have no snapshots: the page shows the goal itself."""
    goal = factories.GoalFactory(version=2, title="Seeded goal")
    accept_as_distributor(goal)
    client.force_login(account_manager)
    html = page(client, goal.get_absolute_url())
    assert "Seeded goal" in html and str(Goal.Agreement.AWAITING_US.label) in html
    assert "No versions recorded." in html


def test_a_status_change_keeps_the_version_and_the_agreement(client, account_manager, goal):
    services.do_accept_goal(account_manager, goal)
    accept_as_distributor(goal)
    client.force_login(account_manager)
    client.post(
        reverse("milestones:goal_edit", args=[goal.pk]),
        goal_data(goal, status=Goal.Status.ACHIEVED),
    )
    goal.refresh_from_db()
    assert (goal.status, goal.version, goal.is_agreed) == (Goal.Status.ACHIEVED, 1, True)
    assert goal.versions.count() == 1


def test_editing_a_goal_nobody_accepted_rewrites_the_current_version(client, account_manager, goal):
    client.force_login(account_manager)
    client.post(
        reverse("milestones:goal_edit", args=[goal.pk]), goal_data(goal, title="Kansai, clearer")
    )
    goal.refresh_from_db()
    assert goal.version == 1
    assert list(goal.versions.values_list("version", "title")) == [(1, "Kansai, clearer")]


def test_edit_form_shows_the_goal_and_keeps_an_archived_owner(client, account_manager, goal):
    goal.owner_distributor.archived_at = timezone.now()
    goal.owner_distributor.save()
    client.force_login(account_manager)
    response = client.get(reverse("milestones:goal_edit", args=[goal.pk]))
    html = response.content.decode()
    assert "Edit goal" in html and "Open the Kansai drugstore channel" in html
    assert goal.owner_distributor in response.context["form"].fields["owner_distributor"].queryset
    response = client.post(reverse("milestones:goal_edit", args=[goal.pk]), goal_data(goal))
    assert response.status_code == 302


def test_edit_errors_keep_what_was_typed(client, account_manager, goal, stranger):
    client.force_login(account_manager)
    response = client.post(
        reverse("milestones:goal_edit", args=[goal.pk]),
        goal_data(goal, title="", owner_distributor=stranger.pk, measure="Kept as typed"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "owner_distributor"}
    assert "Kept as typed" in response.content.decode()
    goal.refresh_from_db()
    assert goal.measure == "Two chains listing the gift set"


# --- milestones ----------------------------------------------------------------------


def test_milestone_create_and_edit(client, account_manager, goal):
    client.force_login(account_manager)
    url = reverse("milestones:milestone_create", args=[goal.pk])
    assert "New milestone toward" in page(client, url)
    response = client.post(
        url,
        {
            "kind": Milestone.Kind.REGIONAL_PILOT,
            "title": "Osaka pilot in 20 stores",
            "description": "Endcaps in June.",
            "target_date": "2026-06-30",
            "status": Milestone.Status.PLANNED,
        },
    )
    milestone = goal.milestones.get()
    assert response.url == goal.get_absolute_url() + f"#milestone-{milestone.pk}"
    html = page(client, goal.get_absolute_url())
    assert f'id="milestone-{milestone.pk}"' in html
    assert "Osaka pilot in 20 stores" in html and "Regional pilot" in html
    assert "Not evaluated yet." in html

    edit = reverse("milestones:milestone_edit", args=[milestone.pk])
    assert "Osaka pilot in 20 stores" in page(client, edit)
    client.post(
        edit,
        {
            "kind": Milestone.Kind.REGIONAL_PILOT,
            "title": "Osaka pilot in 30 stores",
            "target_date": "2026-07-31",
            "status": Milestone.Status.IN_PROGRESS,
        },
    )
    milestone.refresh_from_db()
    assert (milestone.title, milestone.status) == ("Osaka pilot in 30 stores", "in_progress")
    assert milestone.target_date == dt.date(2026, 7, 31)


def test_milestone_errors_are_next_to_the_field(client, account_manager, goal):
    client.force_login(account_manager)
    response = client.post(
        reverse("milestones:milestone_create", args=[goal.pk]),
        {"kind": "bogus", "title": "Kept", "target_date": "not a date", "status": "planned"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind", "target_date"}
    assert 'value="Kept"' in response.content.decode()
    assert not goal.milestones.exists()


# --- evaluations ---------------------------------------------------------------------


def evaluation_data(**changes):
    data = {
        "evaluated_on": "2026-03-20",
        "outcome": MilestoneEvaluation.Outcome.PARTLY,
        "narrative": "Buyers came; two asked for samples.",
        "learning": "Kansai buyers want smaller cases.",
        "next_step": "Send samples in small cases.",
        "shared_with_distributor": "on",
    }
    data.update(changes)
    return data


def test_evaluation_form_offers_this_distributor_meetings_and_contacts(
    client, account_manager, milestone, meeting, owner, stranger
):
    elsewhere = factories.AlignmentMeetingFactory(title="Someone else's alignment")
    client.force_login(account_manager)
    response = client.get(reverse("milestones:evaluation_create", args=[milestone.pk]))
    html = response.content.decode()
    assert "Evaluate “FOODEX Japan booth”" in html
    assert "Q2 alignment" in html and elsewhere.title not in html
    assert "Kenji Sato" in html and stranger.name_latin not in html
    assert html.count("<fieldset") >= 4  # groups, outcome, and both participant lists
    form = response.context["form"]
    assert form.initial["staff_participants"] == [account_manager.pk]
    assert form.initial["contact_participants"] == [owner.pk]


def test_evaluation_linked_to_a_meeting_with_participants(
    client, account_manager, executive, milestone, meeting, owner
):
    client.force_login(account_manager)
    response = client.post(
        reverse("milestones:evaluation_create", args=[milestone.pk]),
        evaluation_data(
            meeting=meeting.pk,
            staff_participants=[account_manager.pk, executive.pk],
            contact_participants=[owner.pk],
        ),
    )
    assert response.status_code == 302 and response.url == milestone.get_absolute_url()
    evaluation = milestone.evaluations.get()
    assert (evaluation.meeting, evaluation.created_by) == (meeting, account_manager)
    assert set(evaluation.staff_participants.all()) == {account_manager, executive}
    assert list(evaluation.contact_participants.all()) == [owner]
    assert list(meeting.milestone_evaluations.all()) == [evaluation]
    html = page(client, milestone.goal.get_absolute_url())
    assert "Partly achieved" in html and "Buyers came; two asked for samples." in html
    assert "Kansai buyers want smaller cases." in html
    assert "Q2 alignment" in html and str(executive) in html and "Kenji Sato" in html


def test_evaluations_are_listed_latest_first(client, account_manager, milestone):
    factories.MilestoneEvaluationFactory(
        milestone=milestone, evaluated_on=dt.date(2026, 1, 10), narrative="Early look."
    )
    factories.MilestoneEvaluationFactory(
        milestone=milestone, evaluated_on=dt.date(2026, 3, 10), narrative="Later look."
    )
    client.force_login(account_manager)
    html = page(client, milestone.goal.get_absolute_url())
    assert html.index("Later look.") < html.index("Early look.")


@pytest.mark.parametrize("field", ["meeting", "contact_participants"])
def test_evaluation_with_another_distributor_contact_or_meeting_is_refused(
    client, account_manager, milestone, stranger, field
):
    foreign = {
        "meeting": factories.AlignmentMeetingFactory().pk,
        "contact_participants": [stranger.pk],
    }[field]
    client.force_login(account_manager)
    response = client.post(
        reverse("milestones:evaluation_create", args=[milestone.pk]),
        evaluation_data(**{field: foreign}),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert "Kansai buyers want smaller cases." in response.content.decode()
    assert not MilestoneEvaluation.objects.exists()


def test_evaluation_cannot_be_dated_in_the_future(client, account_manager, milestone):
    client.force_login(account_manager)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("milestones:evaluation_create", args=[milestone.pk]),
        evaluation_data(evaluated_on=tomorrow.isoformat()),
    )
    assert list(response.context["form"].errors) == ["evaluated_on"]


# --- permissions and missing objects -------------------------------------------------


def read_urls(goal, milestone):
    return [goal.get_absolute_url()]


def write_urls(goal, milestone):
    return [
        reverse("milestones:goal_create") + f"?distributor={goal.distributor_id}",
        reverse("milestones:goal_edit", args=[goal.pk]),
        reverse("milestones:milestone_create", args=[goal.pk]),
        reverse("milestones:milestone_edit", args=[milestone.pk]),
        reverse("milestones:evaluation_create", args=[milestone.pk]),
    ]


def post_urls(goal, milestone):
    return [*write_urls(goal, milestone), reverse("milestones:goal_accept", args=[goal.pk])]


def test_account_manager_opens_every_page(client, account_manager, goal, milestone):
    client.force_login(account_manager)
    for url in read_urls(goal, milestone) + write_urls(goal, milestone):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("milestones:goal_accept", args=[goal.pk])).status_code == 405


def test_executive_reads_but_does_not_write(client, executive, goal, milestone):
    client.force_login(executive)
    html = page(client, goal.get_absolute_url())
    assert "Edit goal" not in html and "Accept version" not in html
    assert "Record an evaluation" not in html
    for url in write_urls(goal, milestone):
        assert client.get(url).status_code == 403, url
    for url in post_urls(goal, milestone):
        assert client.post(url, {"version": 1}).status_code == 403, url
    assert not goal.agreements.exists()


def test_distributor_user_gets_403_everywhere(client, partner_user, goal, milestone):
    client.force_login(partner_user)
    for url in read_urls(goal, milestone) + write_urls(goal, milestone):
        assert client.get(url).status_code == 403, url
    for url in post_urls(goal, milestone):
        assert client.post(url, {"version": 1}).status_code == 403, url
    assert not goal.agreements.exists()


def test_anonymous_is_sent_to_login(client, goal, milestone):
    login = reverse("login")
    for url in read_urls(goal, milestone) + write_urls(goal, milestone):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(login), url
    for url in post_urls(goal, milestone):
        response = client.post(url, {"version": 1})
        assert response.status_code == 302 and response.url.startswith(login), url


@pytest.mark.parametrize(
    "name",
    [
        "goal_detail",
        "goal_edit",
        "goal_accept",
        "milestone_create",
        "milestone_edit",
        "evaluation_create",
    ],
)
def test_missing_goal_or_milestone_is_404(client, account_manager, name):
    client.force_login(account_manager)
    url = reverse(f"milestones:{name}", args=[999999])
    if name != "goal_accept":  # POST only
        assert client.get(url).status_code == 404
    assert client.post(url, {"version": 1}).status_code == 404


# --- query counts --------------------------------------------------------------------


def fill(goal, n):
    """`n` milestones, each with an evaluation made in a meeting, with both sides present."""
    meeting = factories.AlignmentMeetingFactory(distributors=[goal.distributor])
    staff = factories.AccountManagerFactory()
    for milestone in factories.MilestoneFactory.create_batch(n, goal=goal):
        evaluation = factories.MilestoneEvaluationFactory(milestone=milestone, meeting=meeting)
        evaluation.staff_participants.add(staff)
        evaluation.contact_participants.add(goal.owner_distributor)
        factories.GoalAgreementFactory(goal=goal, version=goal.version, side=Side.OURS)
        goal.version += 1
        goal.save()
        factories.GoalVersionFactory(goal=goal, title=f"{goal.title} {n}")


def test_goal_page_makes_the_same_number_of_queries_for_5_and_50_rows(
    client, account_manager, distributor
):
    client.force_login(account_manager)
    small, large = (
        services.do_create_goal(
            account_manager,
            distributor,
            title=f"Goal {n}",
            horizon_start=dt.date(2026, 4, 1),
            horizon_end=dt.date(2028, 3, 31),
            owner_ours=account_manager,
            owner_distributor=factories.ContactFactory(distributor=distributor),
        )
        for n in (5, 50)
    )
    fill(small, 5)
    fill(large, 50)
    assert GoalVersion.objects.filter(goal=large).count() == 51
    few = count_queries(client, small.get_absolute_url())
    many = count_queries(client, large.get_absolute_url())
    assert few == many
