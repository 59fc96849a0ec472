import datetime as dt
import functools

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.forms.models import ModelChoiceIterator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from prm.choices import Side
from prm.forms import HTTPS_URL_FIELDS
from prm.ids import is_id
from prm.japan_calendar import next_suggested_date

from . import selectors
from .models import ActionItem, AgendaItem, AlignmentMeeting, Touchpoint


def _https_urls(model_field, **kwargs):
    return model_field.formfield(**HTTPS_URL_FIELDS.get(type(model_field), {}), **kwargs)


def _ids(values):
    """The whole-number ids among raw form values (anything else cannot be a valid choice)."""
    if not isinstance(values, list | tuple):
        values = [values]
    return [int(v) for v in values if is_id(v)]


class ContactsMixin:
    """Offers as contacts only those of the distributor(s) chosen in the same form.

    The choice is read from the submitted data, or from the initial values when the form
    is first shown or when htmx asks for the contacts of another choice (`contacts_url`).
    """

    distributor_field = contacts_field = contacts_url = None
    reload_contacts_on = "change"

    def limit_contacts(self, keep=()):
        chosen = _ids(self[self.distributor_field].value())
        self.has_distributor = bool(chosen)
        self.fields[self.contacts_field].queryset = selectors.contact_choices(chosen, keep=keep)
        self.fields[self.contacts_field].label_from_instance = self.contact_label
        group = f"#{self[self.contacts_field].auto_id}_group"
        self.fields[self.distributor_field].widget.attrs |= {
            "hx-get": reverse(self.contacts_url),
            "hx-trigger": self.reload_contacts_on,
            "hx-target": group,
            "hx-include": group,  # so the contacts already ticked stay ticked
            "hx-swap": "outerHTML",
        }

    @staticmethod
    def contact_label(contact):
        return f"{contact}, {contact.title}" if contact.title else str(contact)


class OfferedChoices(ModelChoiceIterator):
    """The options of a choice among many: only those of `offered`, a few of the field's
    queryset (the queryset still says what is valid)."""

    def __init__(self, field, offered):
        super().__init__(field)
        self.queryset = offered


class TouchpointForm(ContactsMixin, forms.ModelForm):
    distributor_field = "distributor"
    contacts_field = "contacts"
    contacts_url = "meetings:touchpoint_contacts"
    # Also after the distributor search replaced the options, which may change the choice.
    reload_contacts_on = "change, htmx:afterSwap"

    # The search box above the distributor list: htmx puts the matches in the list as one
    # types (views.distributor_search); without JavaScript, `clean` looks the name up.
    q = forms.CharField(label=_("Find the distributor"), required=False)

    follow_up = forms.CharField(
        label=_("Follow-up action"),
        max_length=ActionItem._meta.get_field("description").max_length,
        required=False,
        help_text=_("Leave empty when there is nothing to follow up."),
    )
    follow_up_owner_side = forms.ChoiceField(
        label=_("Whose action"),
        choices=Side.choices,
        initial=Side.OURS,
        widget=forms.RadioSelect,
        help_text=_("On our side, the action is yours."),
    )
    follow_up_due_on = forms.DateField(
        label=_("Due date"),
        required=False,
        initial=lambda: timezone.localdate() + dt.timedelta(weeks=1),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Touchpoint
        fields = [
            "distributor",
            "kind",
            "occurred_on",
            "contacts",
            "staff",
            "mood",
            "notes",
            "unspoken_concerns",
        ]
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}),
            "contacts": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "staff": forms.CheckboxSelectMultiple,
            "mood": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "unspoken_concerns": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        # Distinct ids: Home shows this form next to others.
        super().__init__(*args, auto_id="touchpoint_%s", **kwargs)
        distributor = self.fields["distributor"]
        distributor.queryset = selectors.distributor_choices()
        # Thousands of options made the page heavy and the list useless: it offers the chosen
        # distributor and the matches of the search only.
        distributor.choices = OfferedChoices(
            distributor,
            selectors.offered_distributors(
                self["q"].value() or "", _ids(self["distributor"].value())
            ),
        )
        # The name typed in the search may stand for the choice (see `clean`): the browser
        # must let the form go with the list left empty.
        distributor.required = False
        self.fields["occurred_on"].initial = timezone.localdate
        self.fields["occurred_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["staff"].queryset = selectors.staff_users()
        self.limit_contacts()

    @classmethod
    def for_user(cls, user, distributor=None):
        """An empty form with `user` among our people present and `distributor` (a pk from
        a link, ignored unless it is a number) already chosen."""
        initial = {"staff": [user]}
        if distributor and is_id(distributor):
            initial["distributor"] = distributor
        return cls(initial=initial)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("distributor") and "distributor" not in self.errors:
            self._choose_the_only_match(cleaned)
        if cleaned.get("follow_up") and not cleaned.get("follow_up_due_on"):
            self.add_error("follow_up_due_on", _("Give the follow-up a due date."))
        return cleaned

    def _choose_the_only_match(self, cleaned):
        """Nothing chosen in the list: the distributor the search names, if it names one.

        Without JavaScript the list cannot follow the search as one types, so the name is
        looked up when the form is sent; with htmx the search chooses the only match too.
        """
        query = cleaned.get("q", "")
        if not query:
            self.add_error("distributor", self.fields["distributor"].error_messages["required"])
            return
        matches = list(selectors.search_distributors(query)[: selectors.OFFERED_DISTRIBUTORS + 1])
        if len(matches) == 1:
            cleaned["distributor"] = matches[0]
        elif len(matches) > selectors.OFFERED_DISTRIBUTORS:
            # The list offers the first of them only: the one meant may not be there.
            self.add_error(
                "distributor",
                _(
                    "More than %(count)s distributors match “%(query)s”: the list shows the "
                    "first %(count)s. Type more of the name to find the one you mean."
                )
                % {"count": selectors.OFFERED_DISTRIBUTORS, "query": query},
            )
        elif matches:
            self.add_error(
                "distributor",
                _("Several distributors match “%(query)s”: choose one in the list.")
                % {"query": query},
            )
        else:
            self.add_error(
                "distributor", _("No distributor matches “%(query)s”.") % {"query": query}
            )

    def follow_up_data(self):
        """The follow-up action item as do_log_touchpoint takes it, or None."""
        data = self.cleaned_data
        if not data["follow_up"]:
            return None
        return {
            "description": data["follow_up"],
            "owner_side": data["follow_up_owner_side"],
            "due_on": data["follow_up_due_on"],
        }


def autofocus(form):
    """Put the focus back in the form htmx swaps in: on the first error, or the first field."""
    name = next(iter(form.errors), None) if form.is_bound else None
    if name not in form.fields:
        name = next(iter(form.fields))
    form.fields[name].widget.attrs["autofocus"] = True


def blank_touchpoint_fields(user, *, focused=False):
    """The fields of `TouchpointForm.for_user(user)`, drawn, for My week's quick form and
    for the empty one htmx swaps in after a save (`focused`: with the focus in it).

    Kept by everything they show: drawing them through crispy-forms took 13 of My week's
    70 ms, for HTML that changes only with the reader, their language, the day and our
    people (the checkboxes of "our people present"). Nothing else goes into an empty
    form: its distributor and contacts lists stay empty until a search.
    """
    people = tuple((person.pk, str(person)) for person in selectors.staff_users())
    return _drawn_blank_fields(user.pk, get_language(), timezone.localdate(), people, focused)


# About 10 KB each. The arguments are the key: the form reads the language and the day as
# they are active, and our people from the database. A pk, not the user: request.user
# would keep its whole request alive.
@functools.lru_cache(maxsize=200)
def _drawn_blank_fields(user_pk, language, today, people, focused):
    form = TouchpointForm(initial={"staff": [user_pk]})
    if focused:
        autofocus(form)
    return render_to_string("meetings/_touchpoint_fields.html", {"form": form})


class MeetingForm(ContactsMixin, forms.ModelForm):
    """Schedule or edit a meeting; times are typed in the user's own zone."""

    distributor_field = "distributors"
    contacts_field = "contact_attendees"
    contacts_url = "meetings:meeting_contacts"

    ends_at_time = forms.TimeField(
        label=_("Ends at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("On the same day."),
    )

    class Meta:
        model = AlignmentMeeting
        fields = [
            "kind",
            "title",
            "distributors",
            "starts_at",
            "format",
            "language",
            "location",
            "join_url",
            "staff_attendees",
            "contact_attendees",
        ]
        formfield_callback = _https_urls
        widgets = {
            "kind": forms.RadioSelect,
            "distributors": forms.SelectMultiple(attrs={"size": 8}),
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "format": forms.RadioSelect,
            "staff_attendees": forms.CheckboxSelectMultiple,
            "contact_attendees": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        current = {"distributors": [], "contact_attendees": []}
        if meeting.pk:
            current = {
                name: list(getattr(meeting, name).values_list("pk", flat=True)) for name in current
            }
            self.fields["ends_at_time"].initial = timezone.localtime(meeting.ends_at).time()
        self.fields["distributors"].queryset = selectors.distributor_choices(
            keep=current["distributors"]
        )
        self.fields["staff_attendees"].queryset = selectors.staff_users()
        self.fields["starts_at"].help_text = _("In your time zone, %(zone)s.") % {
            "zone": timezone.get_current_timezone_name()
        }
        self.limit_contacts(keep=current["contact_attendees"])

    @staticmethod
    def suggested_time(lead=dt.timedelta(weeks=1)):
        """Initial start and end for a new meeting: 10:00 on the first business day after
        `lead` that is not a holiday nor in a peak season (Golden Week, Obon, year-end)."""
        day = next_suggested_date(earliest=timezone.localdate() + lead)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
        return {"starts_at": start, "ends_at_time": dt.time(11, 30)}

    @staticmethod
    def contact_label(contact):
        # Several distributors may be at the table: say where each contact works.
        return f"{ContactsMixin.contact_label(contact)} · {contact.distributor.name_en}"

    def clean(self):
        cleaned = super().clean()
        kind, distributors = cleaned.get("kind"), cleaned.get("distributors")
        if kind == AlignmentMeeting.Kind.ALIGNMENT and distributors and len(distributors) != 1:
            self.add_error(
                "distributors", _("An alignment meeting is with exactly one distributor.")
            )
        if kind == AlignmentMeeting.Kind.ADVISORY_BOARD and distributors and len(distributors) < 2:
            self.add_error(
                "distributors", _("An advisory board meeting brings several distributors together.")
            )
        starts_at, end = cleaned.get("starts_at"), cleaned.get("ends_at_time")
        if starts_at and end:
            local_start = timezone.localtime(starts_at)
            cleaned["ends_at"] = timezone.make_aware(dt.datetime.combine(local_start.date(), end))
            if cleaned["ends_at"] <= starts_at:
                self.add_error("ends_at_time", _("The meeting must end after it starts."))
        return cleaned


class MinutesForm(forms.ModelForm):
    class Meta:
        model = AlignmentMeeting
        # Each part of the minutes in English, then in Japanese; `lang` lets screen readers
        # and spell checkers treat the Japanese boxes as Japanese.
        fields = [
            "minutes_market_trends",
            "minutes_market_trends_ja",
            "minutes_feedback",
            "minutes_feedback_ja",
            "minutes_joint_learning",
            "minutes_joint_learning_ja",
            "decisions",
            "decisions_ja",
        ]
        widgets = {
            name: forms.Textarea(
                attrs={"rows": 4, "lang": "ja"} if name.endswith("_ja") else {"rows": 4}
            )
            for name in fields
        }


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        # Distinct ids: the meeting page also shows the action item form.
        super().__init__(*args, auto_id="agenda_%s", **kwargs)


class ActionItemForm(forms.ModelForm):
    """An action item of a meeting, owned by one of our people or one of their contacts.

    One "owner" choice names both the side and the person, so the two cannot disagree.
    """

    owner = forms.ChoiceField(label=_("Owner"))
    distributor = forms.ModelChoiceField(
        label=_("Distributor"),
        queryset=None,
        required=False,
        help_text=_("Which distributor the action concerns; a contact owner implies it."),
    )

    class Meta:
        model = ActionItem
        fields = ["description", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, auto_id="action_%s", **kwargs)
        self.fields["due_on"].required = True
        self.distributors = list(meeting.distributors.all())
        users = selectors.staff_users()
        contacts = selectors.contact_choices([d.pk for d in self.distributors])
        self.people = {f"user-{u.pk}": u for u in users} | {f"contact-{c.pk}": c for c in contacts}
        by_distributor = [
            (d.name_en, [(f"contact-{c.pk}", str(c)) for c in contacts if c.distributor_id == d.pk])
            for d in self.distributors
        ]
        self.fields["owner"].choices = [
            *BLANK_CHOICE_DASH,
            (_("Our side"), [(f"user-{u.pk}", str(u)) for u in users]),
            *((name, group) for name, group in by_distributor if group),
        ]
        if len(self.distributors) > 1:
            self.fields["distributor"].queryset = meeting.distributors.all()
        else:
            del self.fields["distributor"]

    def clean(self):
        cleaned = super().clean()
        owner = self.people.get(cleaned.get("owner"))
        if owner is None:
            return cleaned
        is_contact = cleaned["owner"].startswith("contact-")
        cleaned["owner_side"] = Side.DISTRIBUTOR if is_contact else Side.OURS
        cleaned["owner_user"] = None if is_contact else owner
        cleaned["owner_contact"] = owner if is_contact else None
        chosen = cleaned.get("distributor")
        if "distributor" not in self.fields:
            cleaned["distributor"] = self.distributors[0]
        elif is_contact and chosen and chosen != owner.distributor:
            self.add_error("distributor", _("The owner is a contact at another distributor."))
        elif is_contact:
            cleaned["distributor"] = owner.distributor
        elif not chosen and "distributor" not in self.errors:
            self.add_error("distributor", _("Choose the distributor this action concerns."))
        return cleaned

    def action_item_data(self):
        data = self.cleaned_data
        keys = ("description", "due_on", "distributor", "owner_side", "owner_user", "owner_contact")
        return {key: data[key] for key in keys}
