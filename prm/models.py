import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from timezone_field import TimeZoneField

from . import roles
from .choices import Language


class User(AbstractUser):
    """A person who logs in: our staff, or a distributor's contact with a portal login.

    A distributor user is tied to exactly one distributor through its Contact
    (`Contact.portal_user`), so the tie cannot point at two distributors.
    """

    time_zone = TimeZoneField(
        _("time zone"),
        default=settings.TIME_ZONE,
        help_text=_("Dates and times are shown in this zone."),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=Language.choices,
        blank=True,
        help_text=_("Pages and e-mails are in this language. Empty: the browser's language."),
    )
    # The secret in the URL of the user's calendar feed (prm/calendar_feed.py): calendar
    # applications cannot log in, so whoever knows it reads the feed. Empty until the user
    # asks for a feed; regenerating it replaces it, and the old URL stops working.
    calendar_token = models.CharField(
        _("calendar feed key"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def role_names(self):
        return set(self.groups.values_list("name", flat=True))

    def has_role(self, role):
        return role in self.role_names

    @property
    def is_account_manager(self):
        return self.has_role(roles.ACCOUNT_MANAGER)

    @property
    def is_executive(self):
        return self.has_role(roles.EXECUTIVE)

    @property
    def is_distributor_user(self):
        return self.has_role(roles.DISTRIBUTOR_USER)

    @property
    def is_staff_member(self):
        """One of our people (account manager or executive), as opposed to a distributor's."""
        return self.is_account_manager or self.is_executive

    @property
    def preferred_language(self):
        """The language chosen by the user; for a distributor's contact who chose none,
        the language we know the contact by; else None (the browser decides)."""
        if self.language:
            return self.language
        contact = getattr(self, "portal_contact", None) if self.is_distributor_user else None
        return contact.language if contact is not None else None

    @cached_property
    def portal_distributor(self):
        """The one distributor whose portal this user may see, or None."""
        if not self.is_distributor_user:
            return None
        contact = getattr(self, "portal_contact", None)
        # Someone archived, or whose company is archived, has left the partnership.
        if contact is None or contact.is_archived or contact.distributor.is_archived:
            return None
        return contact.distributor


class SignalInputsVersion(models.Model):
    """A row per group of inputs (`prm.signal_inputs.GROUPS`): a new random token each time
    a transaction that changed what that group's results are computed from commits (the
    signals, cadences and trends; My week's lists).

    The tokens live in the database, not in a process, so that every web process and worker
    learns of a change made by any other; random rather than counted, so that a rolled-back
    change can never reuse a token that was already read.
    """

    token = models.UUIDField(default=uuid.uuid4)
    # When the inputs last changed, by the database's clock: a process takes the newest token
    # it has read for current, never an older one read by a slower request.
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("version of the signals' inputs")
        verbose_name_plural = _("versions of the signals' inputs")

    def __str__(self):
        return str(self.token)
