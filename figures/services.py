"""Writing figures: from an import, the portal, our staff or the API.

Every write goes through `do_save_figures`, which keeps one value per distributor, figure
kind, month and category, and records each change as a FigureRevision; writing a value that
is already there changes nothing and records nothing.
"""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from meetings.models import ReminderKind
from meetings.reminders import do_notify_account_manager
from prm import japan_calendar
from prm.imports import confirm_import, run_queued_import

from .imports import read_figure_file
from .models import FigureImport, FigureRevision, FigureSource, PerformanceFigure
from .selectors import FigureEntry, entries_of, existing_figures

logger = logging.getLogger(__name__)

# Larger imports are saved by a Celery task, with a progress display; smaller ones at once.
ASYNC_IMPORT_ROWS = 2000
BATCH_SIZE = 1000


@dataclass
class SaveResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0


def do_save_figures(entries, *, user, source):
    """Save `entries` (FigureEntry) in one transaction: all of them or, on error, none.

    A few queries whatever the number of entries: one to read what exists, then bulk
    inserts and updates in batches.
    """
    result = SaveResult()
    now = timezone.now()
    with transaction.atomic():
        existing = existing_figures(entries, for_update=True)
        new_figures, changed_figures, revisions = [], [], []
        for entry in entries:
            figure = existing.get(entry.key)
            if figure is None:
                figure = PerformanceFigure(
                    distributor_id=entry.distributor_id,
                    kind_id=entry.kind_id,
                    month=entry.month,
                    category_id=entry.category_id,
                    value=entry.value,
                    source=source,
                    entered_by=user,
                    created_at=now,
                    updated_at=now,
                )
                new_figures.append(figure)
                revisions.append((figure, None))
            elif figure.value != entry.value:
                revisions.append((figure, figure.value))
                figure.value, figure.source, figure.entered_by = entry.value, source, user
                figure.updated_at = now
                changed_figures.append(figure)
            else:
                result.unchanged += 1
        # On PostgreSQL and SQLite, bulk_create sets the new rows' primary keys.
        PerformanceFigure.objects.bulk_create(new_figures, batch_size=BATCH_SIZE)
        PerformanceFigure.objects.bulk_update(
            changed_figures, ["value", "source", "entered_by", "updated_at"], batch_size=BATCH_SIZE
        )
        FigureRevision.objects.bulk_create(
            [
                FigureRevision(
                    figure=figure,
                    old_value=old_value,
                    new_value=figure.value,
                    source=source,
                    changed_by=user,
                    changed_at=now,
                )
                for figure, old_value in revisions
            ],
            batch_size=BATCH_SIZE,
        )
    result.created, result.changed = len(new_figures), len(changed_figures)
    return result


def do_record_figure(*, user, distributor, kind, month, category, value, source):
    """One value, entered by a person (portal or staff) or an integration (API).

    Returns the figure and whether its value changed. A submission from the portal tells
    the distributor's account manager.
    """
    entry = FigureEntry(distributor.pk, kind.pk, month, category.pk if category else None, value)
    try:
        result = do_save_figures([entry], user=user, source=source)
    except IntegrityError:
        # Someone saved the same month a moment before: theirs exists now, so this one
        # becomes a correction of it.
        result = do_save_figures([entry], user=user, source=source)
    figure = PerformanceFigure.objects.get(
        Q(category_id=entry.category_id) if category else Q(category__isnull=True),
        distributor=distributor,
        kind=kind,
        month=month,
    )
    changed = bool(result.created or result.changed)
    if changed and source == FigureSource.PORTAL:
        revision = figure.revisions.first()
        do_notify_account_manager(
            distributor,
            ReminderKind.FIGURES_SUBMITTED,
            f"figure-revision-{revision.pk}",
            reverse("figures:distributor", args=[distributor.pk]),
            _("%(person)s entered %(figure)s for %(month)s: %(value)s."),
            person=user,
            # Named in the account manager's language, when the message is written.
            figure=lazy(lambda: kind.name, str)(),
            month=f"{month:%Y-%m}",
            value=f"{value:,}",
        )
    return figure, changed


def do_upload_figures(user, uploaded_file):
    """Read an uploaded file into a FigureImport awaiting confirmation; no figure is saved.

    The user's earlier previews that can no longer be confirmed are dropped on the way.
    """
    content = uploaded_file.read()
    parsed = read_figure_file(uploaded_file.name, content, today=japan_calendar.today())
    return FigureImport.store(user, uploaded_file.name, parsed)


def do_confirm_import(figure_import):
    """Save a previewed import: at once when it is small, else through a Celery task.

    Returns False when the import cannot be confirmed (errors, expired, already confirmed).
    """
    from .tasks import save_figure_import  # tasks.py imports this module

    return confirm_import(
        figure_import,
        save=_save_import,
        queue=save_figure_import.delay,
        async_rows=ASYNC_IMPORT_ROWS,
    )


def do_run_import(import_id):
    """The Celery task's work: save a queued import. Safe to run twice: one run claims it."""
    return run_queued_import(FigureImport, import_id, _save_import)


def _save_import(import_id):
    """Save a claimed import's rows, all or none.

    The rows are first read in batches, with the progress saved after each, then written
    in one transaction, so a failure leaves no figure of the file behind.
    """
    figure_import = FigureImport.objects.select_related("uploaded_by").get(pk=import_id)
    rows, entries = figure_import.rows, []
    for start in range(0, len(rows), BATCH_SIZE):
        entries.extend(entries_of(rows[start : start + BATCH_SIZE]))
        FigureImport.objects.filter(pk=import_id).update(progress=len(entries))
    try:
        result = do_save_figures(
            entries, user=figure_import.uploaded_by, source=FigureSource.IMPORT
        )
    except IntegrityError as error:
        # Someone saved some of the same figures while the import ran; the page says so.
        logger.exception("Figure import %s could not be saved", import_id)
        FigureImport.objects.filter(pk=import_id).update(
            status=FigureImport.Status.FAILED, finished_at=timezone.now(), failure=str(error)
        )
        return
    FigureImport.objects.filter(pk=import_id).update(
        status=FigureImport.Status.DONE,
        finished_at=timezone.now(),
        created_count=result.created,
        changed_count=result.changed,
        unchanged_count=result.unchanged,
    )


def do_share_kind(kind, shared, *, user):
    """Share a kind of figure with the distributors (portal and API), or stop sharing it.

    Values already stored stay: while a kind is not shared, distributors neither see nor
    enter them. Returns whether anything changed; a change is logged with who made it, as
    reference data keeps no history table.
    """
    if kind.shared_with_distributor == shared:
        return False
    kind.shared_with_distributor = shared
    kind.save(update_fields=["shared_with_distributor"])
    logger.info("Figure kind %s shared with distributors: %s (user %s)", kind.code, shared, user.pk)
    return True
