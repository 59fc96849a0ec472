"""The audit history (django-simple-history) as the History tabs show it, and explicit records.

Each tracked model has a `history` manager whose rows are full copies of the object after
each save, with who saved it (`history_user`, from HistoryRequestMiddleware; empty for
the Celery workers and commands: "system"). A tab lists the rows of one object and of the
objects that belong to it, newest first, each compared with the row before it of the
same object. A page costs a fixed number of queries, however many rows it shows: the
rows, the rows before them, their many-to-many copies and the names they mention are
each read in one query per table.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import IntegerField, ManyToManyField, OuterRef, Q, Subquery, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_m2m_reverse_field_name

PAGE_SIZE = 25

ACTION_CREATED = _("created")
ACTION_CHANGED = _("changed")
ACTION_ARCHIVED = _("archived")
ACTION_RESTORED = _("restored")
ACTION_DELETED = _("deleted")


@dataclass(frozen=True)
class Source:
    """The history rows of one model that a tab shows; `describe` names the object of a row
    (None for the page's own object). It must read no related object: one query per row."""

    rows: Any
    describe: Any = None


@dataclass
class FieldChange:
    label: str
    old: str | None
    new: str | None


@dataclass
class Entry:
    record: Any
    subject: str | None
    action: str
    changes: list = field(default_factory=list)
    # No earlier row to compare with: made before history was kept (the demo data).
    first_known: bool = False

    @property
    def when(self):
        return self.record.history_date

    @property
    def user(self):
        return self.record.history_user

    @property
    def unchanged(self):
        """Saved again with the same values (or only its many-to-many saved anew)."""
        return self.record.history_type == "~" and not self.changes and not self.first_known


def history_page(sources, page_number, per_page=PAGE_SIZE):
    """A page of Entry, newest first, of the rows of all `sources` together."""
    keys = None
    for index, source in enumerate(sources):
        part = (
            source.rows.order_by()
            .annotate(source=Value(index, output_field=IntegerField()))
            .values("history_id", "history_date", "source")
        )
        keys = part if keys is None else keys.union(part, all=True)
    page = Paginator(keys.order_by("-history_date", "-history_id"), per_page).get_page(page_number)
    wanted = {}
    for key in page.object_list:
        wanted.setdefault(key["source"], []).append(key["history_id"])
    entries = {}
    for index, ids in wanted.items():
        for entry in _entries(sources[index], ids):
            entries[(index, entry.record.history_id)] = entry
    page.object_list = [entries[(key["source"], key["history_id"])] for key in page.object_list]
    return page


def _entries(source, ids):
    model = source.rows.model
    pk_name = model.instance_type._meta.pk.attname
    earlier = model.objects.filter(**{pk_name: OuterRef(pk_name)}).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    with_previous_id = model.objects.annotate(
        previous_id=Subquery(
            earlier.order_by("-history_date", "-history_id").values("history_id")[:1]
        )
    )
    # The page's rows and the rows before them in one query.
    fetched = {
        row.history_id: row
        for row in with_previous_id.filter(
            Q(history_id__in=ids)
            | Q(history_id__in=with_previous_id.filter(history_id__in=ids).values("previous_id"))
        ).select_related("history_user")
    }
    records = [fetched[history_id] for history_id in ids if history_id in fetched]
    previous = {
        record.previous_id: fetched[record.previous_id]
        for record in records
        if record.previous_id in fetched
    }
    m2m_values = _m2m_values(model, [*ids, *previous])
    pairs = [(record, previous.get(record.previous_id)) for record in records]
    raw = {
        record.history_id: _raw_changes(model, record, before, m2m_values)
        for record, before in pairs
    }
    names = _names(model, raw.values())
    return [
        Entry(
            record=record,
            subject=source.describe(record) if source.describe else None,
            action=_action(record, raw[record.history_id]),
            changes=[
                FieldChange(
                    capfirst(model_field.verbose_name),
                    _shown(model_field, old, names),
                    _shown(model_field, new, names),
                )
                for model_field, old, new in raw[record.history_id]
            ],
            first_known=record.history_type == "~" and before is None,
        )
        for record, before in pairs
    ]


def _m2m_fields(model):
    return list(model._history_m2m_fields)


def _m2m_values(model, history_ids):
    """{(field name, history id): set of related pks} of the rows' many-to-many copies."""
    values = {}
    for m2m_field in _m2m_fields(model):
        copies = model.__dict__[m2m_field.name].model
        column = copies._meta.get_field(get_m2m_reverse_field_name(m2m_field)).attname
        for history_id, related in copies.objects.filter(history_id__in=history_ids).values_list(
            "history_id", column
        ):
            values.setdefault((m2m_field.name, history_id), set()).add(related)
    return values


def _raw_changes(model, record, before, m2m_values):
    """[(model field, old, new)] of what `record` changed since `before`, in model order."""
    if before is None or record.history_type != "~":
        return []
    m2m_names = [m2m_field.name for m2m_field in _m2m_fields(model)]
    changed = {
        change.field: change
        for change in record.diff_against(before, excluded_fields=m2m_names).changes
    }
    opts = model.instance_type._meta
    changes = []
    for model_field in [*opts.fields, *opts.many_to_many]:
        if model_field.name in changed:
            change = changed[model_field.name]
            changes.append((model_field, change.old, change.new))
        elif model_field.name in m2m_names:
            old = m2m_values.get((model_field.name, before.history_id), set())
            new = m2m_values.get((model_field.name, record.history_id), set())
            if old != new:
                changes.append((model_field, old, new))
    return changes


def _names(model, all_changes):
    """{(related model, pk): related object} of every object the changes mention."""
    wanted = {}
    for changes in all_changes:
        for model_field, old, new in changes:
            if not model_field.is_relation:
                continue
            pks = wanted.setdefault(model_field.related_model, set())
            for value in (old, new):
                if isinstance(value, set):
                    pks.update(value)
                elif value is not None:
                    pks.add(value)
    return {
        (related_model, pk): obj
        for related_model, pks in wanted.items()
        for pk, obj in related_model._base_manager.in_bulk(pks).items()
    }


def _shown(model_field, value, names):
    """`value` as the reader reads it: labels of choices, names of related objects."""
    if isinstance(model_field, ManyToManyField):
        shown = sorted(str(_related(model_field, pk, names)) for pk in value)
        return ", ".join(shown) or None
    if value is None or value == "":
        return None
    if model_field.is_relation:
        return str(_related(model_field, value, names))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if model_field.get_internal_type() == "DateTimeField":
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if model_field.get_internal_type() == "DateField":
        return date_format(value, "DATE_FORMAT")
    return str(value)


def _related(model_field, pk, names):
    obj = names.get((model_field.related_model, pk))
    if obj is None:
        return _("a deleted %(model)s") % {"model": model_field.related_model._meta.verbose_name}
    return obj


def _action(record, changes):
    if record.history_type == "+":
        return ACTION_CREATED
    if record.history_type == "-":
        return ACTION_DELETED
    for model_field, _old, new in changes:
        if model_field.name == "archived_at":
            return ACTION_ARCHIVED if new is not None else ACTION_RESTORED
    return ACTION_CHANGED


def named(describe=str):
    """A Source.describe: the model's name, then `describe` of the object as it was then."""

    def describe_record(record):
        name = capfirst(record.instance_type._meta.verbose_name)
        text = describe(record.history_object)
        return f"{name}: {text}" if text else name

    return describe_record


def record_changes(instances, user):
    """Record `instances` as they are now, changed by `user`, after a conditional update().

    update() sends no signal, so the history would otherwise miss the change. Only for
    models whose history keeps no many-to-many copies: these rows would have none.
    """
    for instance in instances:
        type(instance).history.bulk_history_create([instance], update=True, default_user=user)
