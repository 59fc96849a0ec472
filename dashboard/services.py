"""Writes of the dashboard: the nightly snapshot of every relationship's signals."""

from django.conf import settings
from django.utils import translation

from distributors.models import Distributor
from prm import signal_inputs

from . import selectors
from .models import SignalSnapshot

BATCH_SIZE = 500


def do_snapshot_signals(today):
    """Store the signals of every active distributor as they stand on `today`.

    One row per distributor and day: the unique constraint makes the database skip the rows
    that exist (INSERT ... ON CONFLICT DO NOTHING), so a second run the same day, or two at
    once, insert nothing more. Reasons are stored in the site's language. Returns how many
    snapshots were created.
    """
    with translation.override(settings.LANGUAGE_CODE):
        rows = selectors.relationships(Distributor.objects.active(), today)
        snapshots = [
            SignalSnapshot(
                distributor=row.distributor,
                taken_on=today,
                lifecycle_status=row.distributor.status,
                on_track=row.on_track,
                reasons={str(key): signal.reason for key, signal in row.signals.items()},
                **{str(key): signal.level for key, signal in row.signals.items()},
            )
            for row in rows
        ]
    before = SignalSnapshot.objects.filter(taken_on=today).count()
    SignalSnapshot.objects.bulk_create(snapshots, batch_size=BATCH_SIZE, ignore_conflicts=True)
    # The trends read the snapshots, and bulk_create sends no signal.
    signal_inputs.model_updated(SignalSnapshot)
    return SignalSnapshot.objects.filter(taken_on=today).count() - before
