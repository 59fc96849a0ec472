"""Writes for distributors and their contacts. Views call these with validated data."""

import datetime as dt
import logging
import secrets
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from prm import roles
from prm.choices import Language
from prm.models import User

from .models import Contact, Distributor, PortalInvitation

logger = logging.getLogger(__name__)


def _assign(instance, fields):
    for name, value in fields.items():
        setattr(instance, name, value)


def do_create_distributor(*, prefectures=(), product_categories=(), **fields):
    distributor = Distributor.objects.create(**fields)
    distributor.prefectures.set(prefectures)
    distributor.product_categories.set(product_categories)
    return distributor


def do_update_distributor(distributor, *, prefectures=(), product_categories=(), **fields):
    _assign(distributor, fields)
    distributor.save()
    distributor.prefectures.set(prefectures)
    distributor.product_categories.set(product_categories)
    return distributor


def do_archive_distributor(distributor):
    """Take a distributor out of the workspace; its history stays.

    An active partner may not buy from an archived one (see Distributor.clean), so a
    distributor that active partners buy from is refused until they are moved.
    """
    if distributor.is_archived:
        return distributor
    buyers = list(distributor.downstream.active().order_by("name_en"))
    if buyers:
        raise ValidationError(
            _("%(names)s buy from this distributor: give them another upstream first.")
            % {"names": ", ".join(buyer.name_en for buyer in buyers)}
        )
    distributor.archived_at = timezone.now()
    distributor.save(update_fields=["archived_at", "updated_at"])
    return distributor


def do_restore_distributor(distributor):
    """Bring an archived distributor back, unless its upstream is still archived."""
    if not distributor.is_archived:
        return distributor
    distributor.archived_at = None
    distributor.clean()
    distributor.save(update_fields=["archived_at", "updated_at"])
    return distributor


def do_create_contact(distributor, **fields):
    return Contact.objects.create(distributor=distributor, **fields)


def do_update_contact(contact, **fields):
    _assign(contact, fields)
    contact.save()
    return contact


def do_archive_contact(contact):
    if not contact.is_archived:
        contact.archived_at = timezone.now()
        contact.save(update_fields=["archived_at", "updated_at"])
    return contact


def do_restore_contact(contact):
    if contact.is_archived:
        contact.archived_at = None
        contact.save(update_fields=["archived_at", "updated_at"])
    return contact


# ---------------------------------------------------------------------------------------------
# Portal invitations


@transaction.atomic
def do_invite_contact(inviter, contact):
    """Invite `contact` to the partner portal: a one-time link to set a password, e-mailed.

    The contact's login (username: the e-mail address) is created on the first invitation
    and kept inactive, without a usable password, until the link is used. A new invitation
    revokes the earlier open ones, so only the latest link works. The e-mail goes out after
    commit; if the mail server fails, the invitation stays without `emailed_at`.
    """
    # Locked, so that two managers inviting at once do not create two logins.
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.is_archived or contact.distributor.is_archived:
        raise ValidationError(_("An archived contact or distributor cannot be invited."))
    if not contact.email:
        raise ValidationError(
            _("“%(name)s” has no e-mail address: add one to send an invitation.")
            % {"name": contact}
        )
    login = contact.portal_user or _new_portal_login(contact)
    if login.is_active:
        raise ValidationError(_("“%(name)s” already has portal access.") % {"name": contact})
    # Whatever password the login had before a revocation, only the new link sets one.
    login.set_unusable_password()
    login.save(update_fields=["password"])
    if not login.is_distributor_user:
        login.groups.add(Group.objects.get(name=roles.DISTRIBUTOR_USER))

    now = timezone.now()
    contact.portal_invitations.open().update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = PortalInvitation.objects.create(
        contact=contact,
        token_hash=PortalInvitation.hash_token(token),
        invited_by=inviter,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.PRM_INVITATION_DAYS),
    )
    transaction.on_commit(partial(send_portal_invitation, invitation, token))
    return invitation


def _new_portal_login(contact):
    username = contact.email
    if len(username) > User._meta.get_field("username").max_length:
        raise ValidationError(_("This e-mail address is too long to be a login name."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            _(
                "Another login already uses %(email)s. An administrator can link it to this "
                "contact instead."
            )
            % {"email": username}
        )
    login = User(
        username=username,
        email=contact.email,
        first_name=contact.name_latin[:150],
        is_active=False,
    )
    login.set_unusable_password()
    login.save()
    # The contact first: the role rules refuse a distributor user without one.
    contact.portal_user = login
    contact.save(update_fields=["portal_user", "updated_at"])
    return login


def send_portal_invitation(invitation, token):
    """E-mail the invitation's link to its contact, in the contact's language and time zone.

    Never raises: the invitation is saved whatever the mail server does, the contact's page
    says when the e-mail could not be sent, and the manager can send a new invitation.
    """
    contact = invitation.contact
    distributor = contact.distributor
    login = contact.portal_user
    with translation.override(contact.language), timezone.override(login.time_zone):
        japanese = contact.language == Language.JAPANESE and distributor.name_ja
        distributor_name = distributor.name_ja if japanese else distributor.name_en
        context = {
            "contact": contact,
            "distributor_name": distributor_name,
            "inviter": invitation.invited_by,
            "username": login.username,
            "expires_at": invitation.expires_at,
            "url": settings.PRM_SITE_URL.rstrip("/")
            + reverse("portal:invitation_accept", args=[token]),
        }
        subject = _("%(distributor)s: your invitation to the partner portal") % {
            "distributor": distributor_name
        }
        email = EmailMultiAlternatives(
            subject,
            render_to_string("emails/portal_invitation.txt", context),
            to=[contact.email],
        )
        email.attach_alternative(
            render_to_string("emails/portal_invitation.html", context), "text/html"
        )
    try:
        email.send()
    except Exception:
        # Any backend's failure (SMTP, network, an API): logged, and shown on the page.
        logger.exception("Portal invitation %s could not be e-mailed.", invitation.pk)
        return False
    PortalInvitation.objects.filter(pk=invitation.pk).update(emailed_at=timezone.now())
    return True


def awaits_invitation(login):
    """Whether an invitation may set `login`'s password: a distributor's login that an
    invitation made and nobody has used yet. Never one that is in use, nor one of ours,
    whatever the contact was linked to after the invitation was sent."""
    return (
        login is not None
        and not login.is_active
        and not login.has_usable_password()
        and not (login.is_superuser or login.is_staff or login.is_staff_member)
        and login.is_distributor_user
    )


@transaction.atomic
def do_accept_invitation(invitation, password):
    """Use the invitation's link to set the login's password and switch the login on.

    The link works once: only the request whose conditional update changes the row goes on
    (two tabs, a double submit). Returns False, changing nothing, for a link no longer valid.
    """
    # Locked in the order do_invite_contact takes them (contact, login, invitations), so
    # that an invitation sent while another is being accepted waits instead of deadlocking.
    contact = Contact.objects.select_for_update().get(pk=invitation.contact_id)
    login = User.objects.select_for_update().filter(pk=contact.portal_user_id).first()
    if not awaits_invitation(login):
        return False
    now = timezone.now()
    claimed = PortalInvitation.objects.valid(now).filter(pk=invitation.pk).update(accepted_at=now)
    if not claimed:
        return False
    login.set_password(password)
    login.is_active = True
    login.save(update_fields=["password", "is_active"])
    return True


@transaction.atomic
def do_revoke_portal_access(contact):
    """Switch the contact's login off and revoke its open invitations.

    An inactive user's session no longer authenticates (Django's ModelBackend refuses
    inactive users), so whoever is logged in loses the portal at their next request.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    login = User.objects.select_for_update().filter(pk=contact.portal_user_id).first()
    revoked = contact.portal_invitations.open().update(revoked_at=timezone.now())
    if login is not None and login.is_active:
        login.is_active = False
        login.save(update_fields=["is_active"])
    elif not revoked:
        raise ValidationError(_("“%(name)s” has no portal access to revoke.") % {"name": contact})
    return contact
