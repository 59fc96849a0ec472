import datetime as dt
import hashlib
import re
import smtplib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from distributors.models import Contact, PortalInvitation
from distributors.services import do_accept_invitation, do_invite_contact
from prm.choices import Language
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=TOKYO)
GOOD_PASSWORD = "kaizen-partner-2026"
LINK = re.compile(r"https?://[^/\s\"]+(/portal/invitation/[^/\s\"]+/)")


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


@pytest.fixture
def executive_client(client, executive):
    client.force_login(executive)
    return client


@pytest.fixture
def contact(distributor):
    """A contact who reads English, so that the invitation pages read as the asserts do."""
    return factories.ContactFactory(
        distributor=distributor,
        name_latin="Hanako Sato",
        email="sato@partner.example.jp",
        language=Language.ENGLISH,
    )


@pytest.fixture
def invite(manager_client, django_capture_on_commit_callbacks):
    """Invite a contact as the account manager would; returns the path of the e-mailed link."""

    def invite(contact):
        sent = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = manager_client.post(
                reverse("distributors:contact_invite", args=[contact.pk])
            )
        assert response.status_code == 302
        assert response.url == contact.get_absolute_url()
        assert len(mail.outbox) == sent + 1, "one e-mail per invitation"
        return LINK.search(mail.outbox[-1].body).group(1)

    return invite


def accept(link, password=GOOD_PASSWORD, client=None):
    client = client or Client()
    return client, client.post(link, {"new_password1": password, "new_password2": password})


def contact_page(client, contact):
    return client.get(contact.distributor.get_absolute_url()).content.decode()


def portal_state(page, contact):
    """The text of the contact's portal line on the distributor page."""
    match = re.search(rf'id="contact-{contact.pk}-portal">(.*?)</div>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


# --- inviting -----------------------------------------------------------------------------


def test_invitation_is_emailed_in_japanese_to_a_japanese_contact(invite, contact, distributor):
    Contact.objects.filter(pk=contact.pk).update(language=Language.JAPANESE)
    contact.refresh_from_db()
    with time_machine.travel(NOW, tick=False):
        link = invite(contact)
    email = mail.outbox[0]
    assert email.to == ["sato@partner.example.jp"]
    html = email.alternatives[0][0]
    assert '<html lang="ja">' in html
    assert "Hanako Sato 様" in email.body
    assert distributor.name_ja in email.subject
    assert distributor.name_ja in email.body
    assert "2026-06-08 09:00 JST" in email.body  # expiry, in the contact's zone
    assert "sato@partner.example.jp" in email.body  # the login name
    assert link in html


def test_invitation_is_emailed_in_english_to_an_english_contact(invite, distributor):
    contact = factories.ContactFactory(
        distributor=distributor, name_latin="John Smith", language=Language.ENGLISH
    )
    invite(contact)
    email = mail.outbox[0]
    assert '<html lang="en">' in email.alternatives[0][0]
    assert "Hello John Smith," in email.body
    assert "your invitation to the partner portal" in email.subject
    assert distributor.name_en in email.subject
    assert "The link works once and expires on" in email.body


def test_invitation_creates_an_inactive_portal_login_and_stores_only_the_tokens_hash(
    invite, contact, account_manager
):
    link = invite(contact)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = PortalInvitation.objects.get()
    assert invitation.token_hash != token
    assert token not in invitation.token_hash
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert invitation.invited_by == account_manager
    assert invitation.emailed_at is not None
    assert invitation.state() == PortalInvitation.State.VALID

    contact.refresh_from_db()
    login = contact.portal_user
    assert login.username == "sato@partner.example.jp"
    assert not login.is_active
    assert not login.has_usable_password()
    assert login.is_distributor_user
    assert str(login.time_zone) == "Asia/Tokyo"


def test_contact_page_shows_the_invitation_and_its_buttons(manager_client, invite, contact):
    page = contact_page(manager_client, contact)
    assert portal_state(page, contact) == "Partner portal: No portal access"
    assert reverse("distributors:contact_invite", args=[contact.pk]) in page
    assert reverse("distributors:contact_revoke_portal", args=[contact.pk]) not in page

    with time_machine.travel(NOW, tick=False):
        invite(contact)
        page = contact_page(manager_client, contact)
    assert portal_state(page, contact) == "Partner portal: Invited until 8 Jun 2026 09:00"
    assert "Send a new invitation" in page
    assert reverse("distributors:contact_revoke_portal", args=[contact.pk]) in page


def test_a_new_invitation_revokes_the_earlier_link(invite, contact):
    first = invite(contact)
    second = invite(contact)
    response = Client().get(first)
    assert response.status_code == 410
    assert "revoked" in response.content.decode()
    assert Client().get(second).status_code == 200


def test_contact_without_email_is_refused(
    manager_client, distributor, django_capture_on_commit_callbacks
):
    contact = factories.ContactFactory(distributor=distributor, email="")
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("distributors:contact_invite", args=[contact.pk]), follow=True
        )
    assert "has no e-mail address: add one to send an invitation." in response.content.decode()
    assert not PortalInvitation.objects.exists()
    assert mail.outbox == []
    page = response.content.decode()
    assert "add an e-mail address to invite them" in portal_state(page, contact)
    assert reverse("distributors:contact_invite", args=[contact.pk]) not in page


@pytest.mark.parametrize("archived", ["contact", "distributor"])
def test_archived_contact_or_distributor_is_refused(manager_client, contact, archived):
    target = contact if archived == "contact" else contact.distributor
    type(target).objects.filter(pk=target.pk).update(archived_at=timezone.now())
    response = manager_client.post(
        reverse("distributors:contact_invite", args=[contact.pk]), follow=True
    )
    assert "An archived contact or distributor cannot be invited." in response.content.decode()
    assert not PortalInvitation.objects.exists()


def test_contact_with_active_portal_access_is_not_invited(manager_client, partner_user):
    contact = partner_user.portal_contact
    response = manager_client.post(
        reverse("distributors:contact_invite", args=[contact.pk]), follow=True
    )
    assert "already has portal access" in response.content.decode()
    assert not PortalInvitation.objects.exists()
    page = contact_page(manager_client, contact)
    assert portal_state(page, contact) == "Partner portal: Portal access active"
    assert reverse("distributors:contact_invite", args=[contact.pk]) not in page


def test_a_login_name_taken_by_someone_else_is_refused(manager_client, contact):
    factories.UserFactory(username="SATO@partner.example.jp")
    response = manager_client.post(
        reverse("distributors:contact_invite", args=[contact.pk]), follow=True
    )
    assert "Another login already uses sato@partner.example.jp." in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).portal_user is None


def test_a_failed_email_keeps_the_invitation_and_the_page_says_so(
    manager_client, contact, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"sato@partner.example.jp": (550, b"No such user")})

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("distributors:contact_invite", args=[contact.pk]))
    assert response.status_code == 302
    invitation = PortalInvitation.objects.get()
    assert invitation.emailed_at is None
    state = portal_state(contact_page(manager_client, contact), contact)
    assert "The invitation e-mail could not be sent." in state


# --- accepting ----------------------------------------------------------------------------


def test_the_link_sets_a_password_and_opens_the_portal_once(invite, contact, distributor):
    link = invite(contact)
    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert "sato@partner.example.jp" in page.content.decode()
    assert 'for="id_new_password1"' in page.content.decode()

    visitor, response = accept(link, client=visitor)
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    home = visitor.get(response.url)
    assert home.status_code == 200
    assert distributor.name_ja in home.content.decode()
    assert any("Welcome to the partner portal" in str(m) for m in get_messages(home.wsgi_request))

    login = Contact.objects.get(pk=contact.pk).portal_user
    assert login.is_active and login.check_password(GOOD_PASSWORD)
    assert PortalInvitation.objects.get().state() == PortalInvitation.State.ACCEPTED
    assert Client().login(username="sato@partner.example.jp", password=GOOD_PASSWORD)

    for again in (Client().get(link), accept(link, "another-pass-2026")[1]):
        assert again.status_code == 410
        assert "This invitation has already been used" in again.content.decode()
    login.refresh_from_db()
    assert login.check_password(GOOD_PASSWORD)


def test_a_weak_password_is_refused_and_the_link_still_works(invite, contact):
    link = invite(contact)
    _, response = accept(link, "12345678")
    assert response.status_code == 200
    page = response.content.decode()
    assert "This password is entirely numeric." in page
    assert 'id="error_1_id_new_password2"' in page
    assert PortalInvitation.objects.get().accepted_at is None
    assert not Contact.objects.get(pk=contact.pk).portal_user.is_active

    _, response = accept(link)
    assert response.status_code == 302


def test_the_link_works_once_even_from_two_tabs(invite, contact):
    invite(contact)
    invitation = PortalInvitation.objects.get()
    assert do_accept_invitation(invitation, GOOD_PASSWORD)
    assert not do_accept_invitation(invitation, "second-tab-2026")
    assert Contact.objects.get(pk=contact.pk).portal_user.check_password(GOOD_PASSWORD)


def test_an_expired_link_says_so(manager_client, invite, contact):
    with time_machine.travel(NOW, tick=False):
        link = invite(contact)
    with time_machine.travel(NOW + dt.timedelta(days=7, seconds=1), tick=False):
        response = Client().get(link)
        assert response.status_code == 410
        page = response.content.decode()
        assert "This invitation has expired" in page
        assert "ask your account manager" in page
        assert accept(link)[1].status_code == 410
        state = portal_state(contact_page(manager_client, contact), contact)
    assert state == "Partner portal: Invitation expired on 8 Jun 2026 09:00"
    assert not Contact.objects.get(pk=contact.pk).portal_user.is_active


def test_an_unknown_link_is_a_404_that_says_so():
    response = Client().get(reverse("portal:invitation_accept", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "We do not know this invitation link" in response.content.decode()


def test_a_dead_link_never_says_whom_it_was_for(invite, contact, distributor):
    link = invite(contact)
    PortalInvitation.objects.update(revoked_at=timezone.now())
    page = Client().get(link).content.decode()
    for secret in (contact.name_latin, contact.email, distributor.name_en, distributor.name_ja):
        assert secret not in page


def test_an_archived_contacts_link_is_revoked(invite, contact):
    link = invite(contact)
    Contact.objects.filter(pk=contact.pk).update(archived_at=timezone.now())
    response = Client().get(link)
    assert response.status_code == 410
    assert "This invitation has been revoked" in response.content.decode()


# --- revoking -----------------------------------------------------------------------------


def test_revoking_ends_a_logged_in_partners_portal_at_the_next_request(
    manager_client, invite, contact
):
    link = invite(contact)
    partner, _ = accept(link)
    assert partner.get(reverse("portal:home")).status_code == 200

    response = manager_client.post(
        reverse("distributors:contact_revoke_portal", args=[contact.pk]), follow=True
    )
    assert "no longer has access to the partner portal" in response.content.decode()
    assert portal_state(response.content.decode(), contact) == (
        "Partner portal: Portal access revoked"
    )
    response = partner.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Client().login(username=contact.email, password=GOOD_PASSWORD)


def test_a_revoked_invitation_link_says_revoked(manager_client, invite, contact):
    link = invite(contact)
    manager_client.post(reverse("distributors:contact_revoke_portal", args=[contact.pk]))
    response = Client().get(link)
    assert response.status_code == 410
    page = response.content.decode()
    assert "This invitation has been revoked" in page
    assert "ask your account manager" in page
    assert accept(link)[1].status_code == 410


def test_invite_again_after_revoking_reactivates_through_a_new_link(
    manager_client, invite, contact
):
    first = invite(contact)
    accept(first)
    manager_client.post(reverse("distributors:contact_revoke_portal", args=[contact.pk]))
    page = contact_page(manager_client, contact)
    assert "Invite again" in page

    second = invite(contact)
    login = Contact.objects.get(pk=contact.pk).portal_user
    assert not login.is_active and not login.has_usable_password()
    assert PortalInvitation.objects.count() == 2
    partner, response = accept(second, "fresh-start-2026")
    assert response.url == reverse("portal:home")
    assert partner.get(response.url).status_code == 200
    assert Client().login(username=contact.email, password="fresh-start-2026")
    assert not Client().login(username=contact.email, password=GOOD_PASSWORD)


def test_revoking_a_contact_without_portal_access_says_so(manager_client, contact):
    response = manager_client.post(
        reverse("distributors:contact_revoke_portal", args=[contact.pk]), follow=True
    )
    assert "has no portal access to revoke" in response.content.decode()


# --- who may do it ------------------------------------------------------------------------


def staff_routes(contact):
    return [
        reverse("distributors:contact_invite", args=[contact.pk]),
        reverse("distributors:contact_revoke_portal", args=[contact.pk]),
    ]


def test_executive_sees_the_portal_state_but_cannot_invite_or_revoke(
    executive_client, partner_user, contact
):
    for url in staff_routes(contact) + staff_routes(partner_user.portal_contact):
        assert executive_client.post(url).status_code == 403, url
    assert not PortalInvitation.objects.exists()
    assert Contact.objects.get(pk=partner_user.portal_contact.pk).portal_user.is_active
    page = contact_page(executive_client, contact)
    assert portal_state(page, contact) == "Partner portal: No portal access"
    assert "Portal access active" in page
    assert reverse("distributors:contact_invite", args=[contact.pk]) not in page


def test_distributor_users_are_refused_the_staff_routes(client, partner_user, contact):
    client.force_login(partner_user)
    for url in staff_routes(contact) + staff_routes(partner_user.portal_contact):
        assert client.post(url).status_code == 403, url
    assert not PortalInvitation.objects.exists()


def test_anonymous_posts_are_sent_to_login(client, contact):
    for url in staff_routes(contact):
        response = client.post(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert not PortalInvitation.objects.exists()


def test_staff_routes_take_only_posts_and_existing_contacts(manager_client, contact):
    for url in staff_routes(contact):
        assert manager_client.get(url).status_code == 405
    for name in ("contact_invite", "contact_revoke_portal"):
        assert (
            manager_client.post(reverse(f"distributors:{name}", args=[999999])).status_code == 404
        )


# --- query counts -------------------------------------------------------------------------


def test_contact_portal_states_cost_the_same_for_5_and_50_contacts(manager_client, account_manager):
    counts = []
    for rows in (5, 50):
        distributor = factories.DistributorFactory(account_manager=account_manager)
        for index, contact in enumerate(
            factories.ContactFactory.create_batch(rows, distributor=distributor)
        ):
            if index % 2:
                do_invite_contact(account_manager, contact)
        counts.append(count_queries(manager_client, distributor.get_absolute_url()))
    assert counts[0] == counts[1], counts


# An invitation sets the password of the login the contact has when the link is used: it
# must be the login the invitation made, never one in use or one of an administrator.


def test_a_link_cannot_set_an_administrators_password(invite, contact):
    path = invite(contact)
    admin = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    Contact.objects.filter(pk=contact.pk).update(portal_user=admin)
    response = Client().post(path, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert response.status_code == 410
    admin.refresh_from_db()
    assert not admin.check_password(GOOD_PASSWORD)


def test_a_link_cannot_reset_a_login_switched_on_since(invite, contact):
    path = invite(contact)
    contact.refresh_from_db()
    login = contact.portal_user
    login.set_password("chosen-by-hand-2026")
    login.is_active = True
    login.save()
    response = Client().post(path, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert response.status_code == 410
    login.refresh_from_db()
    assert login.check_password("chosen-by-hand-2026")


def test_the_contact_form_offers_no_administrator_as_portal_login(manager_client, contact):
    factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    factories.UserFactory(username="backoffice", is_staff=True)
    page = manager_client.get(reverse("distributors:contact_edit", args=[contact.pk]))
    html = page.content.decode()
    assert ">root<" not in html
    assert ">backoffice<" not in html


def test_the_invitation_page_speaks_the_contacts_language(invite, contact):
    Contact.objects.filter(pk=contact.pk).update(language=Language.JAPANESE)
    path = invite(contact)
    page = Client().get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="ja"' in page
