"""The Django admin: every registered model renders, and the rules administrators rely on.

The pages are checked against `manage.py seed_demo`, run once for the module inside a
transaction that is rolled back afterwards (like TestCase.setUpTestData), so no other module
sees the data.
"""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from distributors.models import Contact, Distributor, Feedback, PortalInvitation
from figures.models import FigureImport
from meetings.models import Touchpoint
from prm import roles
from prm.models import User
from tests import factories

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        factories.ReminderFactory()  # reminders come from the cadence scan, not the seed
        factories.NotificationPreferenceFactory()  # people set these, not the seed
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def superuser(demo_data, django_db_blocker):
    with django_db_blocker.unblock():
        return factories.UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_add_and_change_pages_render(superuser_client, model):
    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200
    # An invitation is made only by inviting, so that its link reaches only the e-mail; a
    # figure import only by uploading a file; axes records login attempts itself.
    made_elsewhere = model in (PortalInvitation, FigureImport) or model._meta.app_label == "axes"
    adding = 403 if made_elsewhere else 200
    assert superuser_client.get(admin_url(model, "add")).status_code == adding
    obj = model._default_manager.first()
    if obj is not None:
        assert superuser_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_domain_models_have_demo_data(demo_data):
    """Guards the test above: without a row, a change page would go unchecked."""
    empty = [
        model._meta.label
        for model in REGISTERED
        if model._meta.app_label in ("prm", "distributors", "meetings", "milestones")
        and not model._default_manager.exists()
    ]
    assert empty == []


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (
            Distributor,
            lambda: factories.DistributorFactory(name_ja="鶴亀堂", name_kana="ツルカメドウ"),
        ),
        (
            Contact,
            lambda: factories.ContactFactory(name_kanji="鶴見 花子", name_kana="つるみ はなこ"),
        ),
    ],
    ids=["distributor", "contact"],
)
def test_search_by_kanji_kana_and_partner_code(superuser_client, model, make):
    wanted = make()
    code = wanted.code if model is Distributor else wanted.distributor.code
    for query in ("鶴", "ツルカメ" if model is Distributor else "つるみ", code):
        response = superuser_client.get(admin_url(model, "changelist"), {"q": query})
        assert list(response.context["cl"].result_list) == [wanted], query


@pytest.mark.parametrize(
    ("model", "factory"),
    [(Distributor, factories.DistributorFactory), (Contact, factories.ContactFactory)],
    ids=["distributor", "contact"],
)
def test_archive_and_restore_instead_of_delete(superuser_client, model, factory):
    obj, other = factory(), factory()
    url = admin_url(model, "changelist")

    response = superuser_client.get(url)
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "archive" in actions and "restore" in actions
    assert "delete_selected" not in actions
    assert superuser_client.get(admin_url(model, "delete", obj.pk)).status_code == 403

    response = superuser_client.post(
        url, {"action": "archive", "_selected_action": [obj.pk]}, follow=True
    )
    assert f"1 {model._meta.verbose_name} archived." in response.content.decode()
    obj.refresh_from_db()
    other.refresh_from_db()
    assert obj.archived_at is not None and other.archived_at is None
    assert obj in superuser_client.get(url, {"archived": "yes"}).context["cl"].result_list
    assert obj not in superuser_client.get(url, {"archived": "no"}).context["cl"].result_list

    superuser_client.post(url, {"action": "restore", "_selected_action": [obj.pk]})
    obj.refresh_from_db()
    assert obj.archived_at is None


def test_feedback_reply_added_inline_is_signed_by_the_admin(superuser_client, superuser):
    feedback = factories.FeedbackFactory()

    response = superuser_client.post(
        admin_url(Feedback, "change", feedback.pk),
        {
            "distributor": feedback.distributor_id,
            "kind": feedback.kind,
            "status": Feedback.Status.ACKNOWLEDGED,
            "subject": feedback.subject,
            "body": feedback.body,
            "replies-TOTAL_FORMS": 1,
            "replies-INITIAL_FORMS": 0,
            "replies-0-body": "Thank you, we are checking Osaka prices.",
        },
    )

    assert response.status_code == 302
    assert [(r.author, r.body) for r in feedback.replies.all()] == [
        (superuser, "Thank you, we are checking Osaka prices.")
    ]


def user_form_data(user, **changes):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": "00:00:00",
        "time_zone": "Asia/Tokyo",
        **changes,
    }


def test_user_admin_refuses_distributor_role_without_contact(superuser_client):
    user = factories.UserFactory(first_name="Hanako")
    group = Group.objects.get(name=roles.DISTRIBUTOR_USER)

    response = superuser_client.post(
        admin_url(User, "change", user.pk),
        user_form_data(user, first_name="Changed", groups=[group.pk]),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["groups"]
    assert "must be tied to a distributor" in response.content.decode()
    user.refresh_from_db()
    assert user.first_name == "Hanako"
    assert not user.groups.exists()


def test_user_admin_gives_distributor_role_to_a_portal_contact(superuser_client):
    contact = factories.ContactFactory(portal_user=factories.UserFactory())
    user = contact.portal_user
    group = Group.objects.get(name=roles.DISTRIBUTOR_USER)

    response = superuser_client.post(
        admin_url(User, "change", user.pk), user_form_data(user, groups=[group.pk])
    )

    assert response.status_code == 302
    assert list(user.groups.all()) == [group]


def test_distributor_changelist_makes_no_query_per_row(
    superuser_client, django_assert_max_num_queries
):
    manager = factories.AccountManagerFactory()
    upstream = factories.DistributorFactory()
    factories.DistributorFactory.create_batch(40, account_manager=manager, upstream=upstream)

    with django_assert_max_num_queries(15):
        response = superuser_client.get(admin_url(Distributor, "changelist"))
    assert response.context["cl"].result_count > 40


def test_touchpoint_changelist_makes_no_query_per_row(
    superuser_client, django_assert_max_num_queries
):
    manager = factories.AccountManagerFactory()
    today = timezone.localdate()
    for days in range(40):
        factories.TouchpointFactory(logged_by=manager, occurred_on=today - dt.timedelta(days))

    with django_assert_max_num_queries(15):
        response = superuser_client.get(admin_url(Touchpoint, "changelist"))
    assert response.context["cl"].result_count > 40
