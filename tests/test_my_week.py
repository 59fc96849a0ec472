import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from distributors.models import Contact, Distributor, Feedback, SharedPlanAcknowledgement
from meetings.models import ActionItem, AgendaItem, AlignmentMeeting, Touchpoint
from milestones.models import GoalAgreement
from prm.choices import Side
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

MY_WEEK = reverse_lazy("my_week")
TOUCHPOINT_LOG = reverse_lazy("meetings:touchpoint_log")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


def today():
    return timezone.localdate()


def days_ago(days):
    return timezone.now() - dt.timedelta(days=days)


def long_known(**kwargs):
    """A distributor added long ago, so that its cadence counts from its events only."""
    distributor = factories.DistributorFactory(**kwargs)
    Distributor.objects.filter(pk=distributor.pk).update(created_at=days_ago(400))
    return distributor


def held_meeting(distributor, days):
    return factories.AlignmentMeetingFactory(
        distributors=[distributor], status=AlignmentMeeting.Status.HELD, starts_at=days_ago(days)
    )


def senior_touchpoint(distributor, days):
    touchpoint = factories.TouchpointFactory(
        distributor=distributor, occurred_on=today() - dt.timedelta(days=days)
    )
    touchpoint.contacts.add(
        factories.ContactFactory(distributor=distributor, seniority=Contact.Seniority.EXECUTIVE)
    )
    return touchpoint


def due_states(response):
    return {
        row.distributor: {state.kind: state for state in row.states}
        for row in response.context["due_distributors"]
    }


def test_due_and_overdue_distributors_are_listed_with_the_reason(manager_client, account_manager):
    on_track = long_known(account_manager=account_manager, name_en="Calm Partner")
    held_meeting(on_track, 10)
    senior_touchpoint(on_track, 5)

    alignment_overdue = long_known(account_manager=account_manager, name_en="Quiet Partner")
    held_meeting(alignment_overdue, 130)
    senior_touchpoint(alignment_overdue, 5)

    touchpoint_soon = long_known(account_manager=account_manager, name_en="Busy Partner")
    held_meeting(touchpoint_soon, 60)
    senior_touchpoint(touchpoint_soon, 36)  # every 6 weeks: due in 6 days

    paused = long_known(account_manager=account_manager, status=Distributor.Status.PAUSED)
    long_known(name_en="Someone Else's Partner")

    response = manager_client.get(MY_WEEK)
    states = due_states(response)
    assert set(states) == {alignment_overdue, touchpoint_soon}
    assert list(states) == [alignment_overdue, touchpoint_soon]  # most urgent first

    overdue = states[alignment_overdue]["alignment"]
    assert overdue.status == "overdue" and overdue.due_on < today()
    soon = states[touchpoint_soon]["touchpoint"]
    assert soon.status == "due_soon" and soon.due_on == today() + dt.timedelta(days=6)
    assert list(states[touchpoint_soon]) == ["touchpoint"]

    page = response.content.decode()
    assert f"since {overdue.due_on:%Y-%m-%d}" in page
    assert f"by {soon.due_on:%Y-%m-%d}" in page
    assert overdue.reason in page and soon.reason in page
    assert alignment_overdue.get_absolute_url() in page
    # Other portfolios are absent from My week (the quick form may still offer them).
    assert "Someone Else" not in page.split('id="log-touchpoint"')[0]
    assert "Someone Else" not in page.split("</details>")[1]
    assert set(response.context["nothing_due"]) == {on_track, paused}


def test_a_distributors_own_cadence_counts(manager_client, account_manager):
    distributor = long_known(account_manager=account_manager)
    factories.CadenceFactory(distributor=distributor, touchpoint_interval_weeks=2)
    held_meeting(distributor, 30)
    senior_touchpoint(distributor, 20)  # every 2 weeks: overdue since 6 days
    state = due_states(manager_client.get(MY_WEEK))[distributor]["touchpoint"]
    assert state.status == "overdue"
    assert state.due_on == today() - dt.timedelta(days=6)


def test_meetings_of_the_next_14_days(manager_client, distributor):
    soon = factories.AlignmentMeetingFactory(distributors=[distributor], title="Kansai review")
    factories.AlignmentMeetingFactory(
        distributors=[distributor],
        title="Far away review",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )
    factories.AlignmentMeetingFactory(title="Not my review")
    page = manager_client.get(MY_WEEK).content.decode()
    assert "Kansai review" in page and soon.get_absolute_url() in page
    assert "Far away review" not in page and "Not my review" not in page


def test_my_open_action_items_by_due_date_with_overdue_in_words(
    manager_client, account_manager, distributor
):
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
    later = factories.ActionItemFactory(
        meeting=meeting, owner_user=account_manager, description="Send samples"
    )
    late = factories.ActionItemFactory(
        meeting=meeting,
        owner_user=account_manager,
        description="Confirm Obon stock",
        due_on=today() - dt.timedelta(days=2),
    )
    factories.ActionItemFactory(
        meeting=meeting,
        owner_user=account_manager,
        description="Already done",
        status=ActionItem.Status.DONE,
        completed_at=timezone.now(),
    )
    factories.ActionItemFactory(meeting=meeting, description="Someone else's action")
    response = manager_client.get(MY_WEEK)
    assert list(response.context["action_items"]) == [late, later]
    page = response.content.decode()
    late_item = page[page.index("Confirm Obon stock") : page.index("Send samples")]
    assert "Overdue" in late_item
    assert meeting.get_absolute_url() in page
    assert "Already done" not in page and "Someone else" not in page


def test_new_feedback_on_my_distributors(manager_client, distributor):
    new = factories.FeedbackFactory(distributor=distributor, subject="Price war in Osaka")
    factories.FeedbackFactory(
        distributor=distributor, subject="Answered", status=Feedback.Status.ACKNOWLEDGED
    )
    factories.FeedbackFactory(subject="Not my partner's")
    page = manager_client.get(MY_WEEK).content.decode()
    assert "Price war in Osaka" in page and new.get_absolute_url() in page
    assert "Answered" not in page and "Not my partner" not in page
    assert reverse("distributors:feedback_inbox") + "?status=new" in page


def test_new_portal_activity_on_my_distributors(manager_client, distributor, partner_user):
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
    factories.AgendaItemFactory(
        meeting=meeting,
        title="Shelf space for Obon",
        proposer_side=Side.DISTRIBUTOR,
        proposed_by=partner_user,
        status=AgendaItem.Status.PROPOSED,
    )
    factories.AgendaItemFactory(meeting=meeting, title="Our own item")
    factories.AgendaItemFactory(
        meeting=meeting,
        title="Already accepted",
        proposer_side=Side.DISTRIBUTOR,
        status=AgendaItem.Status.ACCEPTED,
    )
    factories.AgendaItemFactory(
        title="Another partner's idea",
        proposer_side=Side.DISTRIBUTOR,
        status=AgendaItem.Status.PROPOSED,
    )

    goal = factories.GoalFactory(distributor=distributor, title="Kansai drugstores")
    accepted = factories.GoalAgreementFactory(
        goal=goal, side=Side.DISTRIBUTOR, accepted_by=partner_user
    )
    factories.GoalAgreementFactory(goal=goal)  # our side: not portal activity
    old = factories.GoalAgreementFactory(
        goal=factories.GoalFactory(distributor=distributor, title="Old goal"),
        side=Side.DISTRIBUTOR,
    )
    GoalAgreement.objects.filter(pk=old.pk).update(accepted_at=days_ago(20))

    reading = factories.SharedPlanAcknowledgementFactory(
        user=partner_user, plan=factories.SharedPlanFactory(title="2027 direction")
    )
    factories.SharedPlanAcknowledgementFactory(plan=reading.plan)  # another partner's user
    SharedPlanAcknowledgement.objects.filter(pk=reading.pk).update(acknowledged_at=days_ago(1))

    response = manager_client.get(MY_WEEK)
    page = response.content.decode()
    assert "Shelf space for Obon" in page and meeting.get_absolute_url() in page
    assert "Our own item" not in page
    assert "Already accepted" not in page and "Another partner" not in page

    activity = response.context["portal_activity"]
    assert [a.url for a in activity] == [goal.get_absolute_url(), distributor.get_absolute_url()]
    assert f"{partner_user} accepted version {accepted.version} of the goal" in activity[0].text
    assert "read the shared plan “2027 direction”" in activity[1].text
    assert "Old goal" not in page


def test_agenda_proposals_of_the_soonest_planned_meetings_first(manager_client, distributor):
    def meeting(days, **kwargs):
        return factories.AlignmentMeetingFactory(
            distributors=[distributor], starts_at=timezone.now() + dt.timedelta(days=days), **kwargs
        )

    def propose(meeting, title, position=0):
        factories.AgendaItemFactory(
            meeting=meeting,
            title=title,
            position=position,
            proposer_side=Side.DISTRIBUTOR,
            status=AgendaItem.Status.PROPOSED,
        )

    for day in range(12, 1, -1):
        propose(meeting(day), f"Proposal for day {day}")
    soonest = meeting(1)
    propose(soonest, "Second on the agenda", position=2)
    propose(soonest, "First on the agenda", position=1)
    propose(meeting(0.5, status=AlignmentMeeting.Status.HELD), "Decided at a held meeting")
    propose(factories.AlignmentMeetingFactory(starts_at=timezone.now()), "Not my distributor")

    titles = [item.title for item in manager_client.get(MY_WEEK).context["agenda_proposals"]]

    assert titles == [
        "First on the agenda",
        "Second on the agenda",
        *(f"Proposal for day {day}" for day in range(2, 10)),
    ]


def test_log_a_touchpoint_from_home(manager_client):
    page = manager_client.get(MY_WEEK).content.decode()
    quick_form = page.split('id="log-touchpoint"')[1].split("</details>")[0]
    assert f'action="{reverse("meetings:touchpoint_log")}"' in quick_form
    assert 'name="next" value="/my-week/"' in quick_form


def fields_of(form_html):
    """What follows the CSRF token and the next address in a touchpoint form."""
    return form_html.split('name="next"')[1].split(">", 1)[1].split("</form>")[0]


def quick_form_of(client):
    return client.get(MY_WEEK).content.decode().split('<form id="touchpoint-form"')[1]


def test_the_quick_form_drawn_once_is_the_form_drawn_afresh(manager_client, account_manager):
    factories.ExecutiveFactory(first_name="Ken", last_name="Watanabe")
    first, kept = quick_form_of(manager_client), quick_form_of(manager_client)
    assert fields_of(kept) == fields_of(first)
    fresh = manager_client.get(TOUCHPOINT_LOG).content.decode().split('<form id="touchpoint-form"')
    assert fields_of(kept) == fields_of(fresh[1])
    assert "Ken Watanabe" in kept
    assert re.search(rf'value="{account_manager.pk}"[^>]*checked', kept)
    # The CSRF token is the request's own, never kept.
    assert 'name="csrfmiddlewaretoken"' in kept.split('name="next"')[0]


def test_the_quick_form_follows_our_people_the_language_and_the_day(
    manager_client, account_manager
):
    before = quick_form_of(manager_client)
    newcomer = factories.AccountManagerFactory(first_name="Aoi", last_name="Kimura")
    assert "Aoi Kimura" not in before and "Aoi Kimura" in quick_form_of(manager_client)
    newcomer.first_name = "Aoi-chan"
    newcomer.save()
    assert "Aoi-chan Kimura" in quick_form_of(manager_client)

    type(account_manager).objects.filter(pk=account_manager.pk).update(language="ja")
    assert 'type="submit">接点を記録</button>' in quick_form_of(manager_client)

    today = timezone.localdate()
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        assert f'value="{today + dt.timedelta(days=1)}"' in quick_form_of(manager_client)


def test_only_account_managers_have_a_week(client, executive, partner_user):
    for user in (executive, partner_user):
        client.force_login(user)
        assert client.get(MY_WEEK).status_code == 403
    client.logout()
    assert client.get(MY_WEEK).url.startswith(reverse("login"))


def test_my_week_makes_the_same_number_of_queries_for_5_and_50_rows(
    manager_client, account_manager, partner_user
):
    def add(n):
        for _ in range(n):
            distributor = long_known(account_manager=account_manager)
            held_meeting(distributor, 130)
            meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
            factories.ActionItemFactory(meeting=meeting, owner_user=account_manager)
            factories.FeedbackFactory(distributor=distributor)
            factories.AgendaItemFactory(
                meeting=meeting, proposer_side=Side.DISTRIBUTOR, status=AgendaItem.Status.PROPOSED
            )
            factories.GoalAgreementFactory(
                goal=factories.GoalFactory(distributor=distributor), side=Side.DISTRIBUTOR
            )
            factories.SharedPlanAcknowledgementFactory(
                user=factories.PortalUserFactory(portal_contact__distributor=distributor)
            )

    add(5)
    few = count_queries(manager_client, MY_WEEK)
    add(45)
    assert count_queries(manager_client, MY_WEEK) == few


# The long lists: the most urgent first, a count of all, and where the rest are.


def test_only_the_most_urgent_open_action_items_show_with_a_count(
    manager_client, account_manager, distributor
):
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])

    def item(description, days):
        due_on = None if days is None else today() + dt.timedelta(days=days)
        return factories.ActionItemFactory(
            meeting=meeting, owner_user=account_manager, description=description, due_on=due_on
        )

    undated = [item(f"Undated item {n}", None) for n in range(2)]
    later = [item(f"Later item {n}", n) for n in range(16, 0, -1)]
    overdue = [item(f"Overdue item {n}", -n) for n in range(1, 4)]

    response = manager_client.get(MY_WEEK)
    shown = list(response.context["action_items"])
    assert shown == [*reversed(overdue), *reversed(later), undated[0]]
    page = response.content.decode()
    assert "Showing 20 of 21 open action items: the overdue first, then by due date." in page
    assert "Undated item 0" in page and "Undated item 1" not in page


def test_the_count_of_open_action_items_reads_in_thousands(
    manager_client, account_manager, distributor
):
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
    factories.open_action_items(meeting, account_manager, 1234)
    page = manager_client.get(MY_WEEK).content.decode()
    assert "Showing 20 of 1,234 open action items" in page


def test_the_page_does_not_grow_with_the_open_action_items(
    manager_client, account_manager, distributor
):
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])

    def add(n):
        factories.open_action_items(meeting, account_manager, n, due_on=today())
        return manager_client.get(MY_WEEK).content.decode()

    few = add(30)
    many = add(270)
    assert "Showing 20 of 30 open action items" in few
    assert "Showing 20 of 300 open action items" in many
    assert few.count("<li") == many.count("<li")
    assert len(many) - len(few) == 1  # the count's one more digit


def test_only_the_most_overdue_contacts_show_with_a_link_to_my_distributors(
    manager_client, account_manager
):
    # Each later one had its last alignment meeting a week longer ago: the more overdue.
    partners = []
    for n in range(22):
        partner = long_known(account_manager=account_manager, name_en=f"Late Partner {n:02d}")
        held_meeting(partner, 100 + 7 * n)
        senior_touchpoint(partner, 5)
        partners.append(partner)

    response = manager_client.get(MY_WEEK)
    shown = [row.distributor for row in response.context["due_distributors"]]
    assert shown == partners[:1:-1]
    page = response.content.decode()
    assert "Late Partner 21" in page
    assert "Late Partner 01" not in page and "Late Partner 00" not in page
    assert "Showing the 20 most urgent of 22 distributors with contact due." in page
    assert f'href="{reverse("distributors:list")}?scope=mine&amp;sort=quiet"' in page


def test_nothing_due_names_a_few_with_a_count_and_a_link(manager_client, account_manager):
    for n in range(23):
        long_known(
            account_manager=account_manager,
            name_en=f"Resting Partner {n:02d}",
            status=Distributor.Status.PAUSED,
        )
    response = manager_client.get(MY_WEEK)
    assert [d.name_en for d in response.context["nothing_due"]] == [
        f"Resting Partner {n:02d}" for n in range(20)
    ]
    page = response.content.decode()
    assert "Resting Partner 19" in page and "Resting Partner 20" not in page
    assert "Showing 20 of 23 distributors with nothing due." in page
    assert f'href="{reverse("distributors:list")}?scope=mine">All my distributors</a>' in page


def test_short_lists_say_no_count(manager_client, account_manager, distributor):
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
    factories.ActionItemFactory(meeting=meeting, owner_user=account_manager)
    page = manager_client.get(MY_WEEK).content.decode()
    assert "Showing" not in page.split('id="due-heading"')[1]


# The quick form: a search, not a list of every distributor.


def quick_form(page):
    return page.split('id="log-touchpoint"')[1].split("</details>")[0]


def distributor_options(html):
    select = re.search(r'<select name="distributor".*?</select>', html, re.S)[0]
    return re.findall(r"<option[^>]*>[^<]*</option>", select)


def quick_touchpoint(**overrides):
    return {
        "q": "",
        "distributor": "",
        "kind": Touchpoint.Kind.CALL,
        "occurred_on": today().isoformat(),
        "mood": Touchpoint.Mood.POSITIVE,
        "notes": "Asked about the spring catalogue.",
        "follow_up_owner_side": Side.OURS,
        "next": str(MY_WEEK),
        **overrides,
    }


def test_the_quick_form_lists_no_distributor_before_a_search(manager_client, account_manager):
    factories.DistributorFactory.create_batch(30, account_manager=account_manager)
    form = quick_form(manager_client.get(MY_WEEK).content.decode())
    assert distributor_options(form) == ['<option value="" selected>---------</option>']
    assert '<label class="form-label" for="touchpoint-distributor-search">' in form
    assert f'hx-get="{reverse("meetings:distributor_search")}"' in form


def test_the_quick_form_logs_the_only_distributor_the_search_names(manager_client):
    kansai = factories.DistributorFactory(name_en="Kansai Foods", name_ja="関西食品")
    factories.DistributorFactory(name_en="Tohoku Trading")
    response = manager_client.post(TOUCHPOINT_LOG, quick_touchpoint(q="関西"))
    assert response.status_code == 302 and response.url == str(MY_WEEK)
    assert Touchpoint.objects.get().distributor == kansai


def test_the_quick_form_logs_with_htmx_and_comes_back_empty(manager_client):
    kansai = factories.DistributorFactory(name_en="Kansai Foods")
    response = manager_client.post(
        TOUCHPOINT_LOG, quick_touchpoint(distributor=kansai.pk, q="kansai"), **HTMX
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Touchpoint with {kansai} logged." in page
    assert Touchpoint.objects.get().distributor == kansai
    assert 'name="q" value=""' in page
    assert distributor_options(page) == ['<option value="" selected>---------</option>']


@pytest.mark.parametrize("htmx", [{}, HTMX], ids=["without htmx", "with htmx"])
def test_a_search_naming_several_asks_to_choose_and_keeps_what_was_typed(manager_client, htmx):
    one = factories.DistributorFactory(name_en="Osaka Wholesale One")
    two = factories.DistributorFactory(name_en="Osaka Wholesale Two")
    factories.DistributorFactory(name_en="Nagoya Trading")
    response = manager_client.post(TOUCHPOINT_LOG, quick_touchpoint(q="osaka"), **htmx)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Several distributors match “osaka”: choose one in the list." in page
    assert 'name="q" value="osaka"' in page
    assert "Asked about the spring catalogue." in page
    assert distributor_options(page) == [
        '<option value="" selected>---------</option>',
        f'<option value="{one.pk}">{one}</option>',
        f'<option value="{two.pk}">{two}</option>',
    ]
    assert not Touchpoint.objects.exists()

    # Chosen in the list, the distributor is logged.
    manager_client.post(TOUCHPOINT_LOG, quick_touchpoint(q="osaka", distributor=two.pk), **htmx)
    assert Touchpoint.objects.get().distributor == two


def test_a_search_naming_more_than_the_list_offers_asks_to_type_more(manager_client):
    for n in range(21):
        factories.DistributorFactory(name_en=f"Osaka Wholesale {n:02d}")
    response = manager_client.post(TOUCHPOINT_LOG, quick_touchpoint(q="osaka"))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "More than 20 distributors match “osaka”: the list shows the first 20. "
        "Type more of the name to find the one you mean."
    ) in page
    assert len(distributor_options(page)) == 1 + 20
    assert not Touchpoint.objects.exists()


def test_a_search_naming_none_is_an_error(manager_client):
    factories.DistributorFactory(name_en="Osaka Wholesale One")
    response = manager_client.post(TOUCHPOINT_LOG, quick_touchpoint(q="Sapporo"))
    assert response.status_code == 200
    assert "No distributor matches “Sapporo”." in response.content.decode()
    response = manager_client.post(TOUCHPOINT_LOG, quick_touchpoint())
    assert "This field is required." in str(response.context["form"].errors["distributor"])
    assert not Touchpoint.objects.exists()
