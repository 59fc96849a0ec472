"""What the portfolio, the trends and My week compute from thousands of rows, kept in each
process until what it was computed from changes.

A relationship's signals read its meetings, touchpoints, contacts, feedback, goals and
milestones: over 2,000 distributors that is half a second of work, for figures that change
a few times an hour. So the result is kept, under the token of `SignalInputsVersion`:

- Every save, delete and many-to-many change of a model in `WATCHED` (Django's signals)
  schedules a new token for when its transaction commits. Writes that send no signal
  (`bulk_create`, `QuerySet.update()`) call `signal_inputs_changed()` themselves: the demo
  seed and the nightly snapshot.
- A read looks up the token (one query) and finds its result under it, or computes it. A
  result computed from data that was already newer than the token it is kept under is
  harmless: that token is replaced as soon as the change commits.
- A transaction that changed inputs and has not committed yet reads past the cache: it
  must see its own changes, which no other process sees yet.
- Some results depend on the clock too (how long feedback has waited): every result is
  kept at most `LIFETIME_SECONDS`, and every key holds the business day.

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
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

# What relationships(), trends() and cadence_overview() read, or filter and group by: for
# each model, the fields read (None: any), many-to-many ones included.
WATCHED = {
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
    # An account manager's name; not their sign-ins, language, password or roles.
    "prm.User": {"first_name", "last_name", "username"},
}
# How many results of each kind a process keeps (the least recently used go first): a
# portfolio of 2,000 distributors takes about 18 MB, My week's lists a few kilobytes.
KEEP = {"relationships": 4, "trends": 8, "cadence_shortlists": 200}
LIFETIME_SECONDS = 300

_entries = {kind: OrderedDict() for kind in KEEP}  # key: (expires, value), newest last
_newest_token = None  # the token this process read last
_clock = time.monotonic
_lock = threading.Lock()


def _bump():
    from .models import SignalInputsVersion

    row = SignalInputsVersion.objects.filter(pk=SignalInputsVersion.ONLY)
    if not row.update(token=uuid.uuid4(), changed_at=timezone.now()):
        # The first change, or the first since the tests emptied the table; when two
        # processes create the row at once, the one that loses leaves the other's new token.
        SignalInputsVersion.objects.bulk_create(
            [SignalInputsVersion(pk=SignalInputsVersion.ONLY)], ignore_conflicts=True
        )


def changes_pending(using=DEFAULT_DB_ALIAS):
    """Whether the open transaction changed inputs it has not committed yet."""
    # Django drops a callback when its savepoint or transaction rolls back: the list says
    # exactly what is still to be committed.
    return any(entry[1] is _bump for entry in connections[using].run_on_commit)


def signal_inputs_changed(using=DEFAULT_DB_ALIAS):
    """Replace the token once the open transaction commits (at once outside one)."""
    if not changes_pending(using):
        # Robust: what was saved stays saved, and the page that saved it answers, when the
        # token cannot be written; results are then kept LIFETIME_SECONDS at most.
        transaction.on_commit(_bump, using=using, robust=True)


def _saved(sender, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs):
    read = WATCHED[sender._meta.label]
    if update_fields is None or read is None or read & set(update_fields):
        signal_inputs_changed(using)


def _changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    signal_inputs_changed(using)


def _related_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_"):
        signal_inputs_changed(using)


def watch():
    """Connect the receivers (PrmConfig.ready)."""
    for label, read in WATCHED.items():
        model = apps.get_model(label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"signal_inputs.save.{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"signal_inputs.delete.{label}")
        for field in model._meta.local_many_to_many:
            if read is None or field.name in read:
                m2m_changed.connect(
                    _related_changed,
                    sender=field.remote_field.through,
                    dispatch_uid=f"signal_inputs.m2m.{label}.{field.name}",
                )


def _token():
    from .models import SignalInputsVersion

    # None until the first change commits: a database emptied by the tests has no row.
    return (
        SignalInputsVersion.objects.filter(pk=SignalInputsVersion.ONLY)
        .values_list("token", flat=True)
        .first()
    )


def cached(kind, key, compute):
    """`compute()`, or what it returned for `key` since the inputs last changed.

    `kind` is one of KEEP; `key` a tuple of everything else the result depends on (the
    day, the filters, the user). The value is shared by the requests of this process:
    callers do not change it.
    """
    global _newest_token
    if changes_pending():
        return compute()
    token = _token()
    entries = _entries[kind]
    key = (token, *key)
    now = _clock()
    with _lock:
        _newest_token = token
        entry = entries.get(key)
        if entry is not None and entry[0] > now:
            entries.move_to_end(key)
            return entry[1]
    value = compute()
    with _lock:
        # A request that read a newer token meanwhile keeps its own result: this one,
        # computed from the inputs as they were, would only push it out.
        if token == _newest_token:
            for kept in _entries.values():
                for old in [old for old in kept if old[0] != token]:
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
        for kept in _entries.values():
            kept.clear()
