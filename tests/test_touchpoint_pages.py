import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.forms import TouchpointForm, autofocus
from meetings.models import ActionItem, Touchpoint
from prm.choices import Side
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

LOG_URL = "/touchpoints/new/"
HTMX = {"HTTP_HX_REQUEST": "true"}
# Logging one with a follow-up from the quick form, in a test's transaction, when the empty
# form is drawn afresh (one query less when it is kept): a regression fails here (see
# test_logging_makes_as_many_queries_for_five_people_as_for_one).
TOUCHPOINT_POST_QUERIES = 32


@pytest.fixture
def contact(distributor):
    return factories.ContactFactory(distributor=distributor, name_latin="Hanako Sato")


@pytest.fixture
def foreign_contact(db):
    return factories.ContactFactory(name_latin="Jiro Elsewhere")


def touchpoint_data(distributor, **overrides):
    return {
        "distributor": distributor.pk,
        "kind": Touchpoint.Kind.STORE_VISIT,
        "occurred_on": timezone.localdate().isoformat(),
        "mood": Touchpoint.Mood.CONCERN,
        "notes": "Shelf space halved in Umeda.",
        "unspoken_concerns": "Buyer seemed worried about the price rise.",
        "follow_up_owner_side": Side.OURS,
        **overrides,
    }


def test_log_url_name_matches_the_path():
    assert reverse("meetings:touchpoint_log") == LOG_URL


def test_form_preselects_the_distributor_and_offers_only_its_active_contacts(
    client, account_manager, executive, distributor, contact, foreign_contact
):
    factories.ContactFactory(
        distributor=distributor, name_latin="Archived Person", archived_at=timezone.now()
    )
    factories.PortalUserFactory(first_name="Portal", last_name="Person")
    client.force_login(account_manager)
    response = client.get(LOG_URL, {"distributor": distributor.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<option value="{distributor.pk}" selected>' in page
    assert "Hanako Sato" in page
    assert "Jiro Elsewhere" not in page
    assert "Archived Person" not in page
    assert f'value="{timezone.localdate().isoformat()}"' in page
    form = response.context["form"]
    assert set(form.fields["staff"].queryset) == {account_manager, executive}
    assert form["staff"].value() == [account_manager.pk]
    assert "<legend" in page and "Contacts met" in page
    assert 'for="touchpoint-distributor-search"' in page


def test_without_a_distributor_the_form_asks_to_choose_one_first(client, account_manager):
    client.force_login(account_manager)
    page = client.get(LOG_URL, {"distributor": "nonsense"}).content.decode()
    assert "Choose the distributor first" in page


def test_logging_saves_everything_and_returns_to_the_distributor_page(
    client, account_manager, executive, distributor, contact
):
    client.force_login(account_manager)
    data = touchpoint_data(
        distributor, contacts=[contact.pk], staff=[account_manager.pk, executive.pk]
    )
    response = client.post(LOG_URL, data)
    assert response.status_code == 302
    assert response.url == distributor.get_absolute_url()
    touchpoint = Touchpoint.objects.get()
    assert touchpoint.distributor == distributor
    assert touchpoint.logged_by == account_manager
    assert touchpoint.mood == Touchpoint.Mood.CONCERN
    assert touchpoint.unspoken_concerns == "Buyer seemed worried about the price rise."
    assert list(touchpoint.contacts.all()) == [contact]
    assert set(touchpoint.staff.all()) == {account_manager, executive}
    assert not ActionItem.objects.exists()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Touchpoint with {distributor} logged."
    ]


def test_executives_log_touchpoints_too(client, executive, distributor):
    client.force_login(executive)
    response = client.post(LOG_URL, touchpoint_data(distributor))
    assert response.status_code == 302
    assert Touchpoint.objects.get().logged_by == executive


def test_follow_up_becomes_an_action_item_of_the_touchpoint(client, account_manager, distributor):
    client.force_login(account_manager)
    due = timezone.localdate() + dt.timedelta(days=10)
    client.post(
        LOG_URL,
        touchpoint_data(distributor, follow_up="Send Kansai price list", follow_up_due_on=due),
    )
    item = ActionItem.objects.get()
    touchpoint = Touchpoint.objects.get()
    assert (item.touchpoint, item.meeting, item.distributor) == (touchpoint, None, distributor)
    assert (item.description, item.due_on) == ("Send Kansai price list", due)
    assert (item.owner_side, item.owner_user, item.owner_contact) == (
        Side.OURS,
        account_manager,
        None,
    )


def test_follow_up_on_the_distributor_side_has_no_owner_of_ours(
    client, account_manager, distributor
):
    client.force_login(account_manager)
    data = touchpoint_data(
        distributor,
        follow_up="Share sell-through for March",
        follow_up_owner_side=Side.DISTRIBUTOR,
        follow_up_due_on=timezone.localdate().isoformat(),
    )
    client.post(LOG_URL, data)
    item = ActionItem.objects.get()
    assert (item.owner_side, item.owner_user) == (Side.DISTRIBUTOR, None)


def test_a_contact_of_another_distributor_is_refused_and_typed_values_are_kept(
    client, account_manager, distributor, foreign_contact
):
    client.force_login(account_manager)
    response = client.post(LOG_URL, touchpoint_data(distributor, contacts=[foreign_contact.pk]))
    assert response.status_code == 200
    assert "is not one of the available choices" in str(response.context["form"].errors["contacts"])
    page = response.content.decode()
    assert "Shelf space halved in Umeda." in page
    assert "Buyer seemed worried about the price rise." in page
    assert f'<option value="{distributor.pk}" selected>' in page
    assert not Touchpoint.objects.exists()


def test_a_kind_or_mood_not_among_the_choices_is_a_form_error(client, account_manager, distributor):
    client.force_login(account_manager)
    response = client.post(LOG_URL, touchpoint_data(distributor, kind="lunch", mood="angry"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind", "mood"}
    assert "Select a valid choice" in response.content.decode()
    assert not Touchpoint.objects.exists()


def test_logging_makes_as_many_queries_for_five_people_as_for_one(
    client, account_manager, distributor
):
    client.force_login(account_manager)
    counts = []
    for n in (1, 5):
        contacts = factories.ContactFactory.create_batch(n, distributor=distributor)
        staff = [account_manager, *factories.AccountManagerFactory.create_batch(n - 1)]
        data = touchpoint_data(
            distributor,
            contacts=[c.pk for c in contacts],
            staff=[u.pk for u in staff],
            follow_up="Send the Obon plan",
            follow_up_due_on=timezone.localdate().isoformat(),
        )
        with CaptureQueriesContext(connection) as captured:
            response = client.post(LOG_URL, data, **HTMX)
        assert response.status_code == 200
        assert Touchpoint.objects.filter(contacts__in=contacts).distinct().count() == 1
        counts.append(len(captured.captured_queries))
        # The database is not asked about choices the form has checked.
        assert not [q for q in captured.captured_queries if '"_check"' in q["sql"]]
    assert counts[0] == counts[1] <= TOUCHPOINT_POST_QUERIES, counts


def test_errors_show_next_to_their_fields(client, account_manager, distributor):
    client.force_login(account_manager)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        LOG_URL,
        touchpoint_data(
            distributor,
            kind="",
            occurred_on=tomorrow.isoformat(),
            follow_up="Call back",
            follow_up_due_on="",
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"kind", "occurred_on", "follow_up_due_on"}
    assert "cannot be in the future" in str(errors["occurred_on"])
    page = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="touchpoint_occurred_on_error"' in page
    assert "Give the follow-up a due date." in page
    assert 'value="Call back"' in page
    assert '<details class="mb-3" open>' in page
    assert not Touchpoint.objects.exists()


def test_an_unknown_or_archived_distributor_is_a_form_error(client, account_manager):
    archived = factories.DistributorFactory(archived_at=timezone.now())
    client.force_login(account_manager)
    for value in (archived.pk, 999999, "x"):
        response = client.post(LOG_URL, {**touchpoint_data(archived), "distributor": value})
        assert response.status_code == 200
        assert "distributor" in response.context["form"].errors


def test_safe_next_returns_there_and_an_unsafe_one_is_ignored(client, account_manager, distributor):
    client.force_login(account_manager)
    response = client.post(LOG_URL, touchpoint_data(distributor, next=reverse("my_week")))
    assert response.url == reverse("my_week")
    response = client.post(LOG_URL, touchpoint_data(distributor, next="https://evil.example/"))
    assert response.url == distributor.get_absolute_url()


def test_next_from_the_link_is_kept_in_the_form(client, account_manager):
    client.force_login(account_manager)
    page = client.get(LOG_URL, {"next": "/my-week/"}).content.decode()
    assert '<input type="hidden" name="next" value="/my-week/">' in page


def test_htmx_quick_form_answers_with_a_fresh_form_and_news_for_screen_readers(
    client, account_manager, distributor
):
    client.force_login(account_manager)
    response = client.post(LOG_URL, touchpoint_data(distributor, next="/my-week/"), **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    touchpoint = Touchpoint.objects.get()
    assert "<html" not in page
    assert 'id="touchpoint-status" hx-swap-oob="innerHTML"' in page
    assert touchpoint.get_absolute_url() in page
    assert "Shelf space halved" not in page  # the form is empty again
    assert 'hx-post="/touchpoints/new/"' in page
    assert '<input type="hidden" name="next" value="/my-week/">' in page
    # The news is in the fragment, not waiting as a message for the next page.
    assert not list(get_messages(response.wsgi_request))
    # The empty form is the one drawn afresh, with the focus in its first field.
    fresh = TouchpointForm.for_user(account_manager)
    autofocus(fresh)
    drawn = render_to_string("meetings/_touchpoint_fields.html", {"form": fresh})
    assert drawn in page and page.count("autofocus") == drawn.count("autofocus") == 1
    again = client.post(LOG_URL, touchpoint_data(distributor, next="/my-week/"), **HTMX)
    assert drawn in again.content.decode()


def test_htmx_quick_form_with_errors_keeps_what_was_typed(client, account_manager, distributor):
    client.force_login(account_manager)
    response = client.post(LOG_URL, touchpoint_data(distributor, kind=""), **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert "This field is required." in page
    assert "Shelf space halved in Umeda." in page
    assert "was not saved" in page
    assert "autofocus" in page
    assert not Touchpoint.objects.exists()


def test_quick_form_fragment_renders_for_home(rf, account_manager):
    request = rf.get("/my-week/")
    request.user = account_manager
    html = render_to_string(
        "meetings/_touchpoint_quick_form.html",
        {"form": TouchpointForm.for_user(account_manager), "next": "/my-week/", "quick": True},
        request=request,
    )
    assert 'role="status"' in html
    assert 'hx-post="/touchpoints/new/"' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize(
    "query",
    ["kansai", "関西", "カンサイ", "かんさい", "ｶﾝｻｲ", "KANSAI"],
)
def test_distributor_search_matches_latin_japanese_and_kana(client, account_manager, query):
    kansai = factories.DistributorFactory(
        name_en="Kansai Foods", name_ja="関西食品", name_kana="カンサイショクヒン"
    )
    factories.DistributorFactory(name_en="Tohoku Trading", name_ja="東北商事", name_kana="トウホク")
    client.force_login(account_manager)
    response = client.get(reverse("meetings:distributor_search"), {"q": query})
    assert response.status_code == 200
    assert list(response.context["distributors"]) == [kansai]
    page = response.content.decode()
    # The only match is chosen, so htmx then loads its contacts.
    assert f'<option value="{kansai.pk}" selected>' in page
    assert "Tohoku" not in page


def test_distributor_search_keeps_the_current_choice_and_skips_archived(client, account_manager):
    first = factories.DistributorFactory(name_en="Osaka Wholesale One")
    factories.DistributorFactory(name_en="Osaka Wholesale Two")
    factories.DistributorFactory(name_en="Osaka Closed", archived_at=timezone.now())
    client.force_login(account_manager)
    url = reverse("meetings:distributor_search")
    page = client.get(url, {"q": "osaka", "distributor": first.pk}).content.decode()
    assert f'<option value="{first.pk}" selected>' in page
    assert "Osaka Wholesale Two" in page
    assert "Osaka Closed" not in page
    page = client.get(url, {"q": "osaka"}).content.decode()
    assert "selected" not in page
    page = client.get(url, {"q": "nothing like it"}).content.decode()
    assert "No distributor matches" in page


def test_contacts_field_follows_the_chosen_distributor_and_keeps_ticks(
    client, account_manager, distributor, contact, foreign_contact
):
    other = factories.ContactFactory(distributor=distributor, name_latin="Ken Mori")
    client.force_login(account_manager)
    url = reverse("meetings:touchpoint_contacts")
    response = client.get(url, {"distributor": distributor.pk, "contacts": [contact.pk]})
    page = response.content.decode()
    assert page.strip().startswith('<div id="touchpoint_contacts_group"')
    assert "Hanako Sato" in page and "Ken Mori" in page
    assert "Jiro Elsewhere" not in page
    assert (
        f'value="{contact.pk}" class="form-check-input" id="touchpoint_contacts_0" checked' in page
    )
    assert f'value="{other.pk}" class="form-check-input" id="touchpoint_contacts_1">' in page
    page = client.get(url, {"distributor": foreign_contact.distributor_id}).content.decode()
    assert "Jiro Elsewhere" in page and "Hanako Sato" not in page


def test_touchpoint_detail_shows_everything(client, executive, distributor, contact):
    touchpoint = factories.TouchpointFactory(
        distributor=distributor,
        notes="Talked about Golden Week stock.",
        unspoken_concerns="Worried about a competitor.",
        logged_by=executive,
    )
    touchpoint.contacts.add(contact)
    touchpoint.staff.add(executive)
    factories.ActionItemFactory(
        meeting=None, touchpoint=touchpoint, distributor=distributor, description="Send samples"
    )
    client.force_login(executive)
    response = client.get(touchpoint.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Site visit",
        "Talked about Golden Week stock.",
        "Worried about a competitor.",
        "Hanako Sato",
        str(executive),
        "Send samples",
        distributor.get_absolute_url(),
    ):
        assert text in page
    assert (
        reverse("meetings:action_item_status", args=[touchpoint.action_items.get().pk]) not in page
    )


def test_missing_touchpoint_is_404(client, account_manager):
    client.force_login(account_manager)
    assert client.get(reverse("meetings:touchpoint_detail", args=[999999])).status_code == 404


def _touchpoint_urls(distributor):
    touchpoint = factories.TouchpointFactory(distributor=distributor)
    return [
        LOG_URL,
        touchpoint.get_absolute_url(),
        reverse("meetings:distributor_search") + "?q=a",
        reverse("meetings:touchpoint_contacts") + f"?distributor={distributor.pk}",
    ]


def test_distributor_users_get_403_everywhere(client, partner_user, distributor):
    client.force_login(partner_user)
    for url in _touchpoint_urls(distributor):
        assert client.get(url).status_code == 403, url
    assert client.post(LOG_URL, touchpoint_data(distributor)).status_code == 403
    assert not Touchpoint.objects.exclude(notes="").exists()


def test_anonymous_visitors_are_sent_to_login(client, distributor):
    for url in _touchpoint_urls(distributor):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))
    response = client.post(LOG_URL, touchpoint_data(distributor))
    assert response.url.startswith(reverse("login"))


def test_staff_can_read_every_touchpoint_page(client, executive, distributor):
    client.force_login(executive)
    for url in _touchpoint_urls(distributor):
        assert client.get(url).status_code == 200, url


def test_the_service_refuses_contacts_of_another_distributor(
    account_manager, distributor, foreign_contact
):
    with pytest.raises(ValidationError):
        services.do_log_touchpoint(
            logged_by=account_manager,
            distributor=distributor,
            contacts=[foreign_contact],
            kind=Touchpoint.Kind.CALL,
            occurred_on=timezone.localdate(),
        )
    assert not Touchpoint.objects.exists()


def test_touchpoint_page_makes_a_fixed_number_of_queries(client, executive, distributor):
    client.force_login(executive)
    counts = []
    for n in (5, 50):
        touchpoint = factories.TouchpointFactory(distributor=distributor)
        touchpoint.contacts.set(factories.ContactFactory.create_batch(n, distributor=distributor))
        touchpoint.staff.set(factories.AccountManagerFactory.create_batch(n))
        factories.ActionItemFactory.create_batch(
            n, meeting=None, touchpoint=touchpoint, distributor=distributor
        )
        counts.append(count_queries(client, touchpoint.get_absolute_url()))
    assert counts[0] == counts[1], counts


def test_distributor_search_offers_the_first_matches_and_says_there_are_more(
    client, account_manager
):
    for n in range(25):
        factories.DistributorFactory(name_en=f"Osaka {n:02d}")
    client.force_login(account_manager)
    url = reverse("meetings:distributor_search")
    response = client.get(url, {"q": "osaka"})
    assert [d.name_en for d in response.context["distributors"]] == [
        f"Osaka {n:02d}" for n in range(20)
    ]
    page = response.content.decode()
    assert "Osaka 19" in page and "Osaka 20" not in page
    assert '<option value="" disabled>More distributors match: type more of the name.' in page
    page = client.get(url, {"q": "osaka 2"}).content.decode()
    assert "More distributors match" not in page


def test_refining_the_distributor_search_keeps_the_choice_beyond_the_first_matches(
    client, account_manager
):
    for n in range(25):
        factories.DistributorFactory(name_en=f"Aaa {n:02d}")
    chosen = factories.DistributorFactory(name_en="Zeta Trading")
    client.force_login(account_manager)
    url = reverse("meetings:distributor_search")
    for query in ("", "a", "nothing like it"):
        response = client.get(url, {"q": query, "distributor": chosen.pk})
        assert response.context["distributors"][0] == chosen
        assert f'<option value="{chosen.pk}" selected>' in response.content.decode()
    response = client.get(url, {"q": "a", "distributor": chosen.pk})
    assert len(response.context["distributors"]) == 21 and response.context["more"]
