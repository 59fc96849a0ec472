"""What we share with distributors in writing, in English and in Japanese (issue 9, item 5).

Shared plans, the minutes of a meeting and the wording of a goal each keep an English and a
Japanese text: each reader sees their language, or the other one when theirs is empty.
"""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils.html import VOID_ELEMENTS

from meetings.models import Reminder
from milestones import services
from milestones.models import Goal
from prm.choices import Side
from prm.models import User
from tests import factories

pytestmark = pytest.mark.django_db

EN, JA = "en", "ja"


def portal_reader(client, distributor, language):
    client.force_login(
        factories.PortalUserFactory(portal_contact__distributor=distributor, language=language)
    )


def staff_reader(client, language):
    client.force_login(factories.AccountManagerFactory(language=language))


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def shows(html, shown, hidden):
    assert all(text in html for text in shown), [t for t in shown if t not in html]
    assert not any(text in html for text in hidden), [t for t in hidden if t in html]


# --- shared plans ----------------------------------------------------------------------------

PLAN_EN = ("Kansai market direction", "Premium gift sets first.", "Focus on Kansai drugstores.")
PLAN_JA = ("関西市場の方針", "ギフトセットを優先します。", "関西のドラッグストアに注力します。")


@pytest.fixture
def plan():
    return factories.SharedPlanFactory(
        **dict(zip(("title", "summary", "body"), PLAN_EN, strict=True)),
        **dict(zip(("title_ja", "summary_ja", "body_ja"), PLAN_JA, strict=True)),
    )


@pytest.mark.parametrize(
    ("language", "shown", "hidden"), [(JA, PLAN_JA, PLAN_EN), (EN, PLAN_EN, PLAN_JA)]
)
def test_a_shared_plan_reads_in_the_readers_language(
    client, distributor, plan, language, shown, hidden
):
    portal_reader(client, distributor, language)
    shows(page(client, reverse("portal:plan_detail", args=[plan.pk])), shown, hidden)
    shows(page(client, reverse("portal:plan_list")), shown[:2], hidden[:2])
    shows(page(client, reverse("portal:home")), shown[:1], hidden[:1])


def test_a_shared_plan_falls_back_to_the_other_language(client, distributor):
    plan = factories.SharedPlanFactory(
        title="Kansai market direction",
        title_ja="",
        summary="",
        summary_ja="ギフトセットを優先します。",
    )
    portal_reader(client, distributor, JA)
    html = page(client, reverse("portal:plan_detail", args=[plan.pk]))
    assert "Kansai market direction" in html
    portal_reader(client, distributor, EN)
    html = page(client, reverse("portal:plan_detail", args=[plan.pk]))
    assert "ギフトセットを優先します。" in html


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "x"))
    return client


def test_the_staff_plan_form_has_both_languages_and_keeps_them_when_refused(admin_client):
    url = reverse("admin:distributors_sharedplan_add")
    html = page(admin_client, url)
    for label in ("Title (Japanese)", "Summary (Japanese)", "Plan (Japanese)"):
        assert label in html
    data = {"title": PLAN_EN[0], "title_ja": PLAN_JA[0], "body": "", "body_ja": PLAN_JA[2]}
    data |= {"audience": "all", "acknowledgements-TOTAL_FORMS": 0}
    data |= {"acknowledgements-INITIAL_FORMS": 0}
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the English plan is required
    html = response.content.decode()
    assert PLAN_JA[0] in html and PLAN_JA[2] in html and PLAN_EN[0] in html


# --- minutes ---------------------------------------------------------------------------------

MINUTES_EN = ("Gift demand rises in Osaka.", "Shelf labels are hard to read.")
MINUTES_JA = ("大阪でギフト需要が伸びています。", "棚札が読みにくいとの声があります。")


@pytest.fixture
def meeting(distributor):
    return factories.AlignmentMeetingFactory(
        distributors=[distributor],
        minutes_shared=True,
        minutes_market_trends=MINUTES_EN[0],
        minutes_market_trends_ja=MINUTES_JA[0],
        decisions=MINUTES_EN[1],
        decisions_ja=MINUTES_JA[1],
    )


@pytest.mark.parametrize(
    ("language", "shown", "hidden"), [(JA, MINUTES_JA, MINUTES_EN), (EN, MINUTES_EN, MINUTES_JA)]
)
def test_minutes_read_in_the_readers_language(
    client, distributor, meeting, language, shown, hidden
):
    portal_reader(client, distributor, language)
    shows(page(client, reverse("portal:meeting_detail", args=[meeting.pk])), shown, hidden)
    staff_reader(client, language)
    shows(page(client, meeting.get_absolute_url()), shown, hidden)


def test_minutes_fall_back_to_the_other_language(client, distributor, meeting):
    meeting.minutes_market_trends_ja = ""
    meeting.decisions = ""
    meeting.save()
    fallbacks = [MINUTES_EN[0], MINUTES_JA[1]]
    portal_reader(client, distributor, JA)
    shows(page(client, reverse("portal:meeting_detail", args=[meeting.pk])), fallbacks, [])
    for language in (JA, EN):
        staff_reader(client, language)
        shows(page(client, meeting.get_absolute_url()), fallbacks, [])


def test_the_minutes_form_has_both_languages(client, meeting):
    staff_reader(client, EN)
    url = reverse("meetings:meeting_minutes", args=[meeting.pk])
    html = page(client, url)
    for label in ("Market trends (Japanese)", "Decisions (Japanese)"):
        assert label in html
    client.post(url, {"decisions": "Ship in May.", "decisions_ja": "5月に出荷します。"})
    meeting.refresh_from_db()
    assert (meeting.decisions, meeting.decisions_ja) == ("Ship in May.", "5月に出荷します。")


# --- goals -----------------------------------------------------------------------------------

GOAL_EN = ("Open the Kansai drugstore channel", "Listed in two chains.", "Two chains list it")
GOAL_JA = (
    "関西のドラッグストア販路を開拓する",
    "2チェーンで取り扱い開始。",
    "2チェーンでの取り扱い",
)


@pytest.fixture
def goal(account_manager, distributor):
    return services.do_create_goal(
        account_manager,
        distributor,
        **dict(zip(("title", "description", "measure"), GOAL_EN, strict=True)),
        **dict(zip(("title_ja", "description_ja", "measure_ja"), GOAL_JA, strict=True)),
        horizon_start=dt.date(2026, 4, 1),
        horizon_end=dt.date(2028, 3, 31),
        owner_ours=account_manager,
    )


@pytest.mark.parametrize(
    ("language", "shown", "hidden"), [(JA, GOAL_JA, GOAL_EN), (EN, GOAL_EN, GOAL_JA)]
)
def test_a_goal_reads_in_the_readers_language(client, distributor, goal, language, shown, hidden):
    portal_reader(client, distributor, language)
    shows(page(client, reverse("portal:goal_detail", args=[goal.pk])), shown, hidden)
    shows(page(client, reverse("portal:goal_list")), shown[:1], hidden[:1])
    staff_reader(client, language)
    # The staff page also shows the version history, which names every field in both
    # languages only once something changed: version 1 shows the goal as it reads.
    shows(page(client, goal.get_absolute_url()), shown, hidden)


def test_a_goal_falls_back_to_the_other_language(client, distributor, account_manager):
    goal = services.do_create_goal(
        account_manager,
        distributor,
        title=GOAL_EN[0],
        description_ja=GOAL_JA[1],
        horizon_start=dt.date(2026, 4, 1),
        horizon_end=dt.date(2028, 3, 31),
        owner_ours=account_manager,
    )
    portal_reader(client, distributor, JA)
    shows(page(client, reverse("portal:goal_detail", args=[goal.pk])), GOAL_EN[:1], [])
    staff_reader(client, EN)
    shows(page(client, goal.get_absolute_url()), [GOAL_EN[0], GOAL_JA[1]], [])


def goal_data(goal, **changes):
    data = {
        "title": goal.title,
        "title_ja": goal.title_ja,
        "description": goal.description,
        "description_ja": goal.description_ja,
        "measure": goal.measure,
        "measure_ja": goal.measure_ja,
        "horizon_start": "2026-04-01",
        "horizon_end": "2028-03-31",
        "owner_ours": goal.owner_ours_id,
        "status": goal.status,
    }
    return data | changes


def test_changing_the_japanese_wording_of_an_agreed_goal_reopens_agreement(
    client, account_manager, goal
):
    services.do_accept_goal(account_manager, goal)
    factories.GoalAgreementFactory(goal=goal, version=1, side=Side.DISTRIBUTOR, accepted_by=None)
    assert goal.is_agreed
    client.force_login(account_manager)
    new_title = "関西のドラッグストア販路を新たに開拓する"
    response = client.post(
        reverse("milestones:goal_edit", args=[goal.pk]), goal_data(goal, title_ja=new_title)
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.version, goal.agreement_state()) == (2, Goal.Agreement.NOT_ACCEPTED)
    assert list(goal.versions.values_list("version", "title_ja")) == [
        (2, new_title),
        (1, GOAL_JA[0]),
    ]
    html = page(client, goal.get_absolute_url())
    assert f"<ins>{new_title}</ins>" in html and "Goal (Japanese)" in html


def test_the_goal_form_keeps_both_languages_when_refused(client, account_manager, goal):
    client.force_login(account_manager)
    url = reverse("milestones:goal_edit", args=[goal.pk])
    html = page(client, url)
    for label in ("Goal (Japanese)", "What (Japanese)", "Why (Japanese)", "Measure (Japanese)"):
        assert label in html
    data = goal_data(goal, title="A new wording", title_ja="新しい文言", horizon_end="2025-01-01")
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The horizon must end after it starts." in html
    assert "A new wording" in html and "新しい文言" in html and GOAL_JA[1] in html
    goal.refresh_from_db()
    assert goal.title_ja == GOAL_JA[0]


@pytest.mark.parametrize(("language", "title"), [(JA, GOAL_JA[0]), (EN, GOAL_EN[0])])
def test_the_account_manager_is_told_of_an_acceptance_in_their_language(
    account_manager, distributor, goal, language, title
):
    account_manager.language = language
    account_manager.save(update_fields=["language"])
    partner = factories.PortalUserFactory(portal_contact__distributor=distributor, language=EN)
    services.do_accept_goal(partner, goal, version=1)
    assert title in Reminder.objects.get(kind=Reminder.Kind.GOAL_ACCEPTED).message


@pytest.mark.parametrize(
    ("model", "label"),
    [("meetings_alignmentmeeting", "Decisions (Japanese)"), ("milestones_goal", "Goal (Japanese)")],
)
def test_the_admin_edits_both_languages(admin_client, model, label):
    assert label in page(admin_client, reverse(f"admin:{model}_add"))


# --- the language of a fallback --------------------------------------------------------------
# Shown in the other language, a text is marked with it so that screen readers pronounce it
# right (WCAG 2.1, 3.1.2 Language of Parts); in the reader's language it is left unmarked.


class _MarkedLanguages(HTMLParser):
    """The `lang` each occurrence of a text in the page's body is marked with, None where it
    reads in the page's own language (<html lang>)."""

    def __init__(self, text):
        super().__init__()
        self.text, self.found, self._open = text, set(), []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID_ELEMENTS:
            self._open.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        # Only in the body: <title> can hold no markup.
        if self.text in data and any(tag == "body" for tag, _ in self._open):
            marks = [lang for tag, lang in self._open if lang and tag != "html"]
            self.found.add(marks[-1] if marks else None)


def marked(client, url, texts):
    """{text: the languages its occurrences on the page at `url` are marked with}."""
    html = page(client, url)
    languages = {}
    for text in texts:
        parser = _MarkedLanguages(text)
        parser.feed(html)
        languages[text] = parser.found
    return languages


def test_a_goal_only_in_english_is_marked_english_for_a_japanese_reader(
    client, distributor, account_manager
):
    goal = services.do_create_goal(
        account_manager,
        distributor,
        **dict(zip(("title", "description", "measure"), GOAL_EN, strict=True)),
        horizon_start=dt.date(2026, 4, 1),
        horizon_end=dt.date(2028, 3, 31),
        owner_ours=account_manager,
    )
    english = dict.fromkeys(GOAL_EN, {"en"})
    portal_reader(client, distributor, JA)
    assert marked(client, reverse("portal:goal_detail", args=[goal.pk]), GOAL_EN) == english
    assert marked(client, reverse("portal:goal_list"), GOAL_EN[:1]) == {GOAL_EN[0]: {"en"}}
    staff_reader(client, JA)
    assert marked(client, goal.get_absolute_url(), GOAL_EN) == english
    # Within a Japanese sentence, or beside Japanese text, the English stands marked apart.
    url = reverse("milestones:goal_history", args=[goal.pk])
    assert marked(client, url, GOAL_EN[:1]) == {GOAL_EN[0]: {"en"}}
    shown = (GOAL_EN[0], GOAL_EN[2])
    assert marked(client, distributor.get_absolute_url(), shown) == dict.fromkeys(shown, {"en"})


@pytest.mark.parametrize(("language", "english", "japanese"), [(EN, None, JA), (JA, EN, None)])
def test_the_version_history_marks_the_wording_in_the_other_language(
    client, account_manager, goal, language, english, japanese
):
    new_en = "Open the Kansai drugstore channel first"
    new_ja = "関西のドラッグストア販路を先に開拓する"
    services.do_accept_goal(account_manager, goal)  # a new version from here on
    services.do_update_goal(account_manager, goal, title=new_en, title_ja=new_ja)
    staff_reader(client, language)
    texts = (GOAL_EN[0], new_en, GOAL_JA[0], new_ja)
    assert marked(client, goal.get_absolute_url(), texts) == {
        GOAL_EN[0]: {english},
        new_en: {english},
        GOAL_JA[0]: {japanese},
        new_ja: {japanese},
    }


def test_a_plan_only_in_japanese_is_marked_japanese_for_an_english_reader(client, distributor):
    plan = factories.SharedPlanFactory(
        **dict.fromkeys(("title", "summary", "body"), ""),
        **dict(zip(("title_ja", "summary_ja", "body_ja"), PLAN_JA, strict=True)),
    )
    portal_reader(client, distributor, EN)
    url = reverse("portal:plan_detail", args=[plan.pk])
    assert marked(client, url, PLAN_JA) == dict.fromkeys(PLAN_JA, {"ja"})
    url = reverse("portal:plan_list")
    assert marked(client, url, PLAN_JA[:2]) == dict.fromkeys(PLAN_JA[:2], {"ja"})
    assert marked(client, reverse("portal:home"), PLAN_JA[:1]) == {PLAN_JA[0]: {"ja"}}


def test_minutes_in_the_other_language_are_marked_with_it(client, distributor, meeting):
    meeting.minutes_market_trends_ja = ""
    meeting.decisions = ""
    meeting.save()
    texts = (MINUTES_EN[0], MINUTES_JA[1])
    expected = {
        JA: {MINUTES_EN[0]: {"en"}, MINUTES_JA[1]: {None}},
        EN: {MINUTES_EN[0]: {None}, MINUTES_JA[1]: {"ja"}},
    }
    for language in (JA, EN):
        portal_reader(client, distributor, language)
        url = reverse("portal:meeting_detail", args=[meeting.pk])
        assert marked(client, url, texts) == expected[language]
        staff_reader(client, language)
        assert marked(client, meeting.get_absolute_url(), texts) == expected[language]


@pytest.mark.parametrize(
    ("language", "plan_texts", "minutes_texts", "goal_texts"),
    [(JA, PLAN_JA, MINUTES_JA, GOAL_JA), (EN, PLAN_EN, MINUTES_EN, GOAL_EN)],
)
def test_texts_in_the_readers_language_are_not_marked(
    client, distributor, plan, meeting, goal, language, plan_texts, minutes_texts, goal_texts
):
    portal_reader(client, distributor, language)
    pages = [
        (reverse("portal:plan_detail", args=[plan.pk]), plan_texts),
        (reverse("portal:meeting_detail", args=[meeting.pk]), minutes_texts),
        (reverse("portal:goal_detail", args=[goal.pk]), goal_texts),
    ]
    for url, texts in pages:
        assert marked(client, url, texts) == dict.fromkeys(texts, {None})
    staff_reader(client, language)
    for url, texts in [
        (meeting.get_absolute_url(), minutes_texts),
        (goal.get_absolute_url(), goal_texts),
    ]:
        assert marked(client, url, texts) == dict.fromkeys(texts, {None})
