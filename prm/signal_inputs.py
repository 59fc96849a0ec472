"""What the portfolio, the trends and My week compute from thousands of rows, kept in each
process until what it was computed from changes.

A relationship's signals read its meetings, touchpoints, contacts, feedback, goals and
milestones: over 2,000 distributors that is half a second of work, for figures that change
a few times an hour. So the result is kept, under the tokens of `SignalInputsVersion`:

- Each group of `INPUTS` has its own token (a row), so that a change to what one result
  reads (an action item done) does not recompute another (the portfolio, a second).
- Every save, delete and many-to-many change of a model in a group (Django's signals)
  schedules a new token for that group for when its transaction commits. Writes that send
  no signal call `signal_inputs_changed()` or `model_updated()` themselves: the demo seed,
  the nightly snapshot and the conditional updates of agenda and action items.
- A read looks up the tokens (one query) and finds its result under its groups' tokens, or
  computes it. A result computed from data that was already newer than the tokens it is
  kept under is harmless: those tokens are replaced as soon as the change commits.
- A transaction that changed inputs and has not committed yet reads past the cache: it
  must see its own changes, which no other process sees yet.
- Some results depend on the clock too (how long feedback has waited, the meetings of the
  next 14 days): every result is kept at most `LIFETIME_SECONDS`, and every key holds the
  business day.

Kept in the process, not in Redis: the results hold functions that write their sentences
in the reader's language (dashboard/signals.py), which cannot be pickled, and a process
computes each result once per change.
"""

import threading
import time
import uuid
from collections import OrderedDict

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.functions import Now
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

# An account manager's name; not their sign-ins, language, password or roles.
_PERSON_NAME = {"first_name", "last_name", "username"}

# For each group, the models its results read, or filter and group by, and of each model
# the fields read (None: any), many-to-many ones included.
INPUTS = {
    # relationships(), trends() and cadence_overview().
    "signals": {
        "distributors.Distributor": None,
        "distributors.Prefecture": None,
        "distributors.Contact": None,
        "distributors.Feedback": None,
        "distributors.FeedbackReply": None,
        "meetings.AlignmentMeeting": None,
        "meetings.Cadence": None,
        "meetings.Touchpoint": None,
        "milestones.Goal": None,
        "milestones.Milestone": None,
        "milestones.MilestoneEvaluation": None,
        "dashboard.SignalSnapshot": None,
        "prm.User": _PERSON_NAME,
    },
    # My week's lists (prm.selectors.my_week_lists): meetings, action items, new feedback,
    # agenda proposals and the portal's activity (goal acceptances, plan readings).
    "my_week": {
        "distributors.Distributor": None,
        "distributors.Contact": None,
        "distributors.Feedback": None,
        "distributors.SharedPlan": None,
        "distributors.SharedPlanAcknowledgement": None,
        "meetings.AlignmentMeeting": None,
        "meetings.AgendaItem": None,
        "meetings.ActionItem": None,
        "milestones.Goal": None,
        "milestones.GoalAgreement": None,
        "prm.User": _PERSON_NAME,
    },
}
# The primary key of each group's row of SignalInputsVersion.
GROUPS = {"signals": 1, "my_week": 2}
# What each kind of result is computed from.
KINDS = {
    "relationships": ("signals",),
    "trends": ("signals",),
    "cadence_shortlists": ("signals",),
    "my_week_lists": ("my_week",),
}
# How many results of each kind a process keeps (the least recently used go first): a
# portfolio of 2,000 distributors takes about 18 MB, an account manager's cadence shortlists
# a few kilobytes, their other lists about 260 KB (tracemalloc, at scale 50).
KEEP = {"relationships": 4, "trends": 8, "cadence_shortlists": 200, "my_week_lists": 50}
LIFETIME_SECONDS = 300

_entries = {kind: OrderedDict() for kind in KEEP}  # key: (expires, value), newest last
_newest = {}  # of each group, the newest (changed_at, token) this process read
_clock = time.monotonic
_lock = threading.Lock()


def _bump(pk):
    from .models import SignalInputsVersion

    row = SignalInputsVersion.objects.filter(pk=pk)
    # The database's clock, not this process's: the tokens are ordered by it (`_tokens`).
    if not row.update(token=uuid.uuid4(), changed_at=Now()):
        # The first change, or the first since the tests emptied the table; when two
        # processes create the row at once, the one that loses leaves the other's new token.
        SignalInputsVersion.objects.bulk_create([SignalInputsVersion(pk=pk)], ignore_conflicts=True)


def _bump_of(group):
    """The commit callback of `group`: one function per group, so that the callbacks a
    transaction has scheduled say which groups it changed."""

    def bump():
        _bump(GROUPS[group])

    # Named in the log line of a callback that failed.
    bump.__qualname__ = f"_bump_of({group!r})"
    return bump


_BUMPS = {group: _bump_of(group) for group in GROUPS}


def changes_pending(groups=tuple(GROUPS), using=DEFAULT_DB_ALIAS):
    """Whether the open transaction changed inputs of `groups` it has not committed yet."""
    # Django drops a callback when its savepoint or transaction rolls back: the list says
    # exactly what is still to be committed.
    bumps = [_BUMPS[group] for group in groups]
    return any(entry[1] in bumps for entry in connections[using].run_on_commit)


def signal_inputs_changed(using=DEFAULT_DB_ALIAS, groups=tuple(GROUPS)):
    """Replace the tokens of `groups` once the open transaction commits (at once outside
    one)."""
    for group in groups:
        if not changes_pending((group,), using):
            # Robust: what was saved stays saved, and the page that saved it answers, when
            # the token cannot be written; results are then kept LIFETIME_SECONDS at most.
            transaction.on_commit(_BUMPS[group], using=using, robust=True)


def model_updated(model, using=DEFAULT_DB_ALIAS):
    """A `QuerySet.update()` of `model`, which sends no signal, changed what it read."""
    label = model._meta.label
    signal_inputs_changed(using, [group for group, read in INPUTS.items() if label in read])


def _saved(sender, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs):
    label = sender._meta.label
    changed = []
    for group, models in INPUTS.items():
        if label in models:
            read = models[label]
            if update_fields is None or read is None or read & set(update_fields):
                changed.append(group)
    signal_inputs_changed(using, changed)


def _deleted(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    model_updated(sender, using)


# The through model of each watched many-to-many field: the groups that read it.
_RELATION_GROUPS = {}


def _related_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_"):
        signal_inputs_changed(using, _RELATION_GROUPS[sender])


def watch():
    """Connect the receivers (PrmConfig.ready)."""
    labels = {label for models in INPUTS.values() for label in models}
    for label in labels:
        model = apps.get_model(label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"signal_inputs.save.{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"signal_inputs.delete.{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            _RELATION_GROUPS[through] = [
                group
                for group, models in INPUTS.items()
                if label in models and (models[label] is None or field.name in models[label])
            ]
            if _RELATION_GROUPS[through]:
                m2m_changed.connect(
                    _related_changed,
                    sender=through,
                    dispatch_uid=f"signal_inputs.m2m.{label}.{field.name}",
                )


def _tokens():
    """Each group's (changed_at, token); None until the group's first change commits (a
    database emptied by the tests has no row)."""
    from .models import SignalInputsVersion

    rows = SignalInputsVersion.objects.values_list("pk", "changed_at", "token")
    by_pk = {pk: (changed_at, token) for pk, changed_at, token in rows}
    return {group: by_pk.get(pk) for group, pk in GROUPS.items()}


def _kind_tokens(kind, tokens):
    return tuple(tokens.get(group) for group in KINDS[kind])


def _read(tokens):
    """Remember the newest tokens read (under _lock): a request that read older ones, from
    before a change, must not take their place."""
    for group, read in tokens.items():
        newest = _newest.get(group)
        if read is not None and (newest is None or read[0] >= newest[0]):
            _newest[group] = read


def cached(kind, key, compute):
    """`compute()`, or what it returned for `key` since the inputs of `kind` last changed.

    `kind` is one of KINDS; `key` a tuple of everything else the result depends on (the
    day, the filters, the user). The value is shared by the requests of this process:
    callers do not change it.
    """
    if changes_pending(KINDS[kind]):
        return compute()
    tokens = _tokens()
    entries = _entries[kind]
    mine = _kind_tokens(kind, tokens)
    key = (mine, *key)
    now = _clock()
    with _lock:
        _read(tokens)
        entry = entries.get(key)
        if entry is not None and entry[0] > now:
            entries.move_to_end(key)
            return entry[1]
    value = compute()
    with _lock:
        # A request that read newer tokens of this kind meanwhile keeps its own result:
        # this one, computed from the inputs as they were, would only push it out. A change
        # to another group's inputs does not matter here.
        if mine == _kind_tokens(kind, _newest):
            for other, kept in _entries.items():
                current = _kind_tokens(other, _newest)
                for old in [old for old in kept if old[0] != current]:
                    del kept[old]
            entries[key] = (now + LIFETIME_SECONDS, value)
            while len(entries) > KEEP[kind]:
                entries.popitem(last=False)
    return value


class KeptList(list):
    """A kept result, with what callers derive from it kept alongside: computed once for
    each key while the result is kept (so once per change of its inputs), rather than on
    every request. Derived values are shared like the result: callers do not change them.
    """

    # The last keys asked for: the orders of a portfolio of 2,000 rows are 16 KB each.
    KEEP_DERIVED = 16

    def __init__(self, rows=()):
        super().__init__(rows)
        self._derived = OrderedDict()
        self._derived_lock = threading.Lock()

    def derived(self, key, compute):
        """`compute(self)`, or what it returned for `key` already."""
        with self._derived_lock:
            if key in self._derived:
                self._derived.move_to_end(key)
                return self._derived[key]
        value = compute(self)
        with self._derived_lock:
            self._derived[key] = value
            while len(self._derived) > self.KEEP_DERIVED:
                self._derived.popitem(last=False)
        return value


def in_each_language(obj, name, write):
    """What `write()` returns for `obj` in the active language, written once per language
    and kept on `obj`: a kept result serves the readers of both languages."""
    written = obj.__dict__.setdefault("_written", {})
    key = (name, get_language())
    if key not in written:
        written[key] = write()
    return written[key]


def forget():
    """Drop every kept result (the tests start each from nothing)."""
    with _lock:
        _newest.clear()
        for kept in _entries.values():
            kept.clear()
