"""What the API reads and writes of each model.

Two serializers where the portal shows less than the staff pages: the `Portal…` ones, for
a distributor's users, leave out our internal fields (`Distributor.notes`, the people and
partners on our side) and show of a meeting only their own distributor and contacts, and
its minutes only once we shared them. Touchpoints have none: the portal never shows them.
"""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from distributors.models import Contact, Distributor, Prefecture, ProductCategory
from figures.imports import parse_month, value_problem
from figures.models import FigureKind, PerformanceFigure
from figures.selectors import FigureEntry
from meetings.models import AlignmentMeeting, Touchpoint
from meetings.selectors import staff_users
from milestones.models import Goal, Milestone, MilestoneEvaluation
from prm import roles
from prm.models import User

ONE_DISTRIBUTOR = _("An alignment meeting is with exactly one distributor.")
SEVERAL_DISTRIBUTORS = _("An advisory board meeting brings several distributors together.")
END_AFTER_START = _("The meeting must end after it starts.")
DISTRIBUTOR_FIXED = _("A contact cannot move to another distributor.")


class ModelRulesMixin:
    """Checks the model's own rules (`clean()`, field rules, constraints) as the staff forms
    do, so that what the database or the model would refuse is a 400, never a 500."""

    unchecked_fields = ()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        related_many = {field.name for field in model._meta.many_to_many}
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in related_many:
                setattr(candidate, name, value)
        try:
            candidate.full_clean(exclude=self.unchecked_fields)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None
        return attrs

    def current_or_given(self, attrs, name):
        """For a partial update, the value of `name` given, else the one saved."""
        if name in attrs:
            return attrs[name]
        if self.instance is None:
            return None
        value = getattr(self.instance, name)
        return list(value.all()) if hasattr(value, "all") else value


def _people(role):
    return User.objects.filter(groups__name=role, is_active=True)


# ---------------------------------------------------------------------------------------------
# Distributors and contacts


class DistributorSerializer(ModelRulesMixin, serializers.ModelSerializer):
    prefectures = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Prefecture.objects.all(),
        many=True,
        required=False,
        help_text=_("JIS codes of the prefectures covered (1 Hokkaido … 47 Okinawa)."),
    )
    product_categories = serializers.PrimaryKeyRelatedField(
        queryset=ProductCategory.objects.all(), many=True, required=False
    )
    account_manager = serializers.PrimaryKeyRelatedField(
        queryset=_people(roles.ACCOUNT_MANAGER), allow_null=True, required=False
    )
    executive_sponsor = serializers.PrimaryKeyRelatedField(
        queryset=_people(roles.EXECUTIVE), allow_null=True, required=False
    )

    class Meta:
        model = Distributor
        fields = [
            "id",
            "code",
            "name_en",
            "name_ja",
            "name_kana",
            "role",
            "status",
            "upstream",
            "prefectures",
            "product_categories",
            "account_manager",
            "executive_sponsor",
            "website",
            "address",
            "notes",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["archived_at", "created_at", "updated_at"]


class PortalDistributorSerializer(serializers.ModelSerializer):
    prefectures = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Distributor
        fields = [
            "id",
            "code",
            "name_en",
            "name_ja",
            "name_kana",
            "role",
            "status",
            "prefectures",
            "product_categories",
            "website",
            "address",
        ]
        read_only_fields = fields


class ContactSerializer(ModelRulesMixin, serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "distributor",
            "name_latin",
            "name_kanji",
            "name_kana",
            "title",
            "seniority",
            "language",
            "email",
            "phone",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["archived_at", "created_at", "updated_at"]

    def validate_distributor(self, distributor):
        if self.instance is not None and distributor.pk != self.instance.distributor_id:
            raise serializers.ValidationError(DISTRIBUTOR_FIXED)
        return distributor


class PortalContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "distributor",
            "name_latin",
            "name_kanji",
            "name_kana",
            "title",
            "seniority",
            "language",
            "email",
            "phone",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------------
# Touchpoints and meetings


class TouchpointSerializer(ModelRulesMixin, serializers.ModelSerializer):
    # Set by the service to whoever logs it.
    unchecked_fields = ("logged_by",)

    contacts = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), many=True, required=False
    )
    staff = serializers.PrimaryKeyRelatedField(
        queryset=staff_users(), many=True, required=False, help_text=_("Our people present.")
    )

    class Meta:
        model = Touchpoint
        fields = [
            "id",
            "distributor",
            "kind",
            "occurred_on",
            "contacts",
            "staff",
            "mood",
            "notes",
            "unspoken_concerns",
            "logged_by",
            "created_at",
        ]
        read_only_fields = ["logged_by", "created_at"]


# Each part of the minutes in English and in Japanese.
MINUTES_FIELDS = tuple(
    field for name in AlignmentMeeting.MINUTES_FIELDS for field in (name, f"{name}_ja")
)


class MeetingSerializer(ModelRulesMixin, serializers.ModelSerializer):
    distributors = serializers.PrimaryKeyRelatedField(queryset=Distributor.objects.all(), many=True)
    staff_attendees = serializers.PrimaryKeyRelatedField(
        queryset=staff_users(), many=True, required=False
    )
    contact_attendees = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), many=True, required=False
    )

    class Meta:
        model = AlignmentMeeting
        fields = [
            "id",
            "kind",
            "title",
            "distributors",
            "starts_at",
            "ends_at",
            "format",
            "location",
            "join_url",
            "language",
            "status",
            "staff_attendees",
            "contact_attendees",
            *MINUTES_FIELDS,
            "minutes_shared",
            "organizer",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["organizer", "created_at", "updated_at"]

    def validate(self, attrs):
        errors = {}
        kind = self.current_or_given(attrs, "kind") or AlignmentMeeting.Kind.ALIGNMENT
        distributors = self.current_or_given(attrs, "distributors") or []
        if kind == AlignmentMeeting.Kind.ALIGNMENT and len(distributors) != 1:
            errors["distributors"] = ONE_DISTRIBUTOR
        if kind == AlignmentMeeting.Kind.ADVISORY_BOARD and len(distributors) < 2:
            errors["distributors"] = SEVERAL_DISTRIBUTORS
        starts_at = self.current_or_given(attrs, "starts_at")
        ends_at = self.current_or_given(attrs, "ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            errors["ends_at"] = END_AFTER_START
        if errors:
            raise serializers.ValidationError(errors)
        return super().validate(attrs)


class PortalMeetingSerializer(serializers.ModelSerializer):
    """A meeting as the portal shows it: the view prefetches only the distributor's own
    side of `distributors` and `contact_attendees`; the minutes are empty until shared."""

    distributors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    contact_attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    staff_attendees = serializers.StringRelatedField(
        many=True, help_text=_("Names of our attendees.")
    )

    class Meta:
        model = AlignmentMeeting
        fields = [
            "id",
            "kind",
            "title",
            "distributors",
            "starts_at",
            "ends_at",
            "format",
            "location",
            "join_url",
            "language",
            "status",
            "staff_attendees",
            "contact_attendees",
            *MINUTES_FIELDS,
            "minutes_shared",
        ]
        read_only_fields = fields
        extra_kwargs = {name: {"allow_null": True} for name in MINUTES_FIELDS}

    def to_representation(self, meeting):
        data = super().to_representation(meeting)
        if not meeting.minutes_shared:
            data.update(dict.fromkeys(MINUTES_FIELDS))
        return data


# ---------------------------------------------------------------------------------------------
# Goals and milestones (read only)


class GoalSerializer(serializers.ModelSerializer):
    owner_ours_name = serializers.StringRelatedField(source="owner_ours")
    agreement_state = serializers.SerializerMethodField()

    class Meta:
        model = Goal
        fields = [
            "id",
            "distributor",
            "title",
            "title_ja",
            "description",
            "description_ja",
            "rationale",
            "rationale_ja",
            "measure",
            "measure_ja",
            "horizon_start",
            "horizon_end",
            "owner_ours",
            "owner_ours_name",
            "owner_distributor",
            "status",
            "version",
            "agreement_state",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Goal.Agreement.choices))
    def get_agreement_state(self, goal):
        return goal.agreement_state()


class PortalGoalSerializer(GoalSerializer):
    class Meta(GoalSerializer.Meta):
        fields = [name for name in GoalSerializer.Meta.fields if name != "owner_ours"]
        read_only_fields = fields


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = MilestoneEvaluation
        fields = ["id", "evaluated_on", "outcome", "narrative", "learning", "next_step"]
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer):
    distributor = serializers.SerializerMethodField()
    evaluations = EvaluationSerializer(
        many=True,
        read_only=True,
        help_text=_("Newest first; for a distributor's login, those shared with it."),
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "goal",
            "distributor",
            "kind",
            "title",
            "description",
            "target_date",
            "status",
            "evaluations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_distributor(self, milestone):
        return milestone.goal.distributor_id


# ---------------------------------------------------------------------------------------------
# Performance figures


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-04", "description": "Month"}
)
class MonthField(serializers.Field):
    default_error_messages = {"invalid": _("Give the month as 2026-04.")}

    def to_internal_value(self, data):
        month = parse_month(data) if isinstance(data, str) else None
        if month is None:
            self.fail("invalid")
        return month

    def to_representation(self, month):
        return f"{month:%Y-%m}"


class FigureKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = FigureKind
        fields = ["id", "code", "name_en", "name_ja", "unit", "by_category", "distributor_roles"]
        read_only_fields = fields


class FigureSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    month = MonthField(read_only=True)
    entered_by_name = serializers.StringRelatedField(source="entered_by")

    class Meta:
        model = PerformanceFigure
        fields = [
            "id",
            "distributor",
            "kind",
            "month",
            "category",
            "value",
            "source",
            "entered_by_name",
            "updated_at",
        ]
        read_only_fields = fields


# Ids are bounded so that a huge number is a 400, not an overflow in the database.
_ID = {"min_value": 1, "max_value": 2**63 - 1}


class FigureRowSerializer(serializers.Serializer):
    """One value in a bulk write: its distributor and category by id, its kind by code."""

    distributor = serializers.IntegerField(**_ID)
    kind = serializers.SlugField(max_length=40, help_text=_("The figure kind's code."))
    month = MonthField()
    category = serializers.IntegerField(
        **_ID, required=False, allow_null=True, help_text=_("Empty for the total.")
    )
    value = serializers.DecimalField(max_digits=16, decimal_places=2)


class FigureSaveResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()


NO_DISTRIBUTOR = _("No distributor with this id that you may enter figures for.")
NO_KIND = _("“%(kind)s” is not a known figure.")
NO_CATEGORY = _("No product category with this id.")
NOT_BY_CATEGORY = _("This figure is not given per product category.")
FUTURE_MONTH = _("The month is in the future.")
SAME_AS = _("The same distributor, figure, month and category as row %(index)d.")


def figure_entries(rows, user, today):
    """The FigureEntry of each validated row, checked against what `user` may write:
    their own distributor and its shared kinds for a distributor's user. Raises a
    ValidationError with the errors by row index (as DRF gives those of the fields), so
    that the whole request is refused when one row is wrong."""
    distributors = set(
        Distributor.objects.visible_to(user)
        .filter(pk__in={row["distributor"] for row in rows})
        .values_list("pk", flat=True)
    )
    kinds = {
        kind.code: kind
        for kind in FigureKind.objects.visible_to(user).filter(code__in={r["kind"] for r in rows})
    }
    categories = set(
        ProductCategory.objects.filter(
            pk__in={row["category"] for row in rows if row.get("category")}
        ).values_list("pk", flat=True)
    )
    this_month = today.replace(day=1)
    errors, entries, seen = {}, [], {}
    for index, row in enumerate(rows):
        problems = {}
        kind, category = kinds.get(row["kind"]), row.get("category")
        if row["distributor"] not in distributors:
            problems["distributor"] = [NO_DISTRIBUTOR]
        if kind is None:
            problems["kind"] = [NO_KIND % {"kind": row["kind"]}]
        if category is not None and category not in categories:
            problems["category"] = [NO_CATEGORY]
        elif category is not None and kind is not None and not kind.by_category:
            problems["category"] = [NOT_BY_CATEGORY]
        if row["month"] > this_month:
            problems["month"] = [FUTURE_MONTH]
        if kind is not None and (problem := value_problem(row["value"], kind)):
            problems["value"] = [problem]
        if not problems:
            entry = FigureEntry(row["distributor"], kind.pk, row["month"], category, row["value"])
            if entry.key in seen:
                problems["non_field_errors"] = [SAME_AS % {"index": seen[entry.key]}]
            seen.setdefault(entry.key, index)
            entries.append(entry)
        if problems:
            errors[index] = problems
    if errors:
        raise serializers.ValidationError(errors)
    return entries
