"""Importing a file of distributors or contacts: upload into a preview, then confirm.

Every row is saved through the distributor and contact services, so the audit history
records each change with who made it; the whole file is saved in one transaction or not
at all, and a row that matches what is stored is not saved again.
"""

import logging
from contextlib import contextmanager
from types import SimpleNamespace

from django.db import DatabaseError, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from prm.imports import confirm_import, run_queued_import

from . import services
from .imports import plan_contacts, plan_distributors, read_contact_file, read_distributor_file
from .models import Distributor, DistributorImport

logger = logging.getLogger(__name__)

# Larger imports are saved by a Celery task; each row costs a dozen queries or so (the
# object, its audit history, its prefectures), a few seconds per hundred rows.
ASYNC_IMPORT_ROWS = 200


class ChangedSincePreview(Exception):
    """A distributor of the file was archived or deleted after its preview was shown."""


READERS = {
    DistributorImport.Kind.DISTRIBUTORS: read_distributor_file,
    DistributorImport.Kind.CONTACTS: read_contact_file,
}


def do_upload_import(user, kind, uploaded_file):
    """Read an uploaded file into an import awaiting confirmation; nothing else is saved."""
    parsed = READERS[kind](uploaded_file.name, uploaded_file.read())
    return DistributorImport.store(user, uploaded_file.name, parsed, kind=kind)


def do_confirm_import(distributor_import):
    """Save a previewed import: at once when it is small, else through a Celery task.

    Returns False when the import cannot be confirmed (errors, expired, already confirmed).
    """
    from .tasks import save_distributor_import  # tasks.py imports this module

    return confirm_import(
        distributor_import,
        save=_save_import,
        queue=save_distributor_import.delay,
        async_rows=ASYNC_IMPORT_ROWS,
    )


def do_run_import(import_id):
    """The Celery task's work: save a queued import. Safe to run twice: one run claims it."""
    return run_queued_import(DistributorImport, import_id, _save_import)


def _save_import(import_id):
    """Save a claimed import's rows in one transaction, all or none.

    When the database refuses a row (someone saved the same contact meanwhile), nothing of
    the file is kept and the import says it failed.
    """
    distributor_import = DistributorImport.objects.select_related("uploaded_by").get(pk=import_id)
    try:
        with _history_by(distributor_import.uploaded_by), transaction.atomic():
            if distributor_import.kind == DistributorImport.Kind.DISTRIBUTORS:
                steps = _save_distributors(distributor_import.rows, distributor_import.uploaded_by)
            else:
                steps = _save_contacts(distributor_import.rows)
    except (ChangedSincePreview, DatabaseError) as error:
        if isinstance(error, ChangedSincePreview):
            logger.warning("Distributor import %s not saved: %s", import_id, error)
        else:
            logger.exception("Distributor import %s could not be saved", import_id)
        DistributorImport.objects.filter(pk=import_id).update(
            status=DistributorImport.Status.FAILED, finished_at=timezone.now(), failure=str(error)
        )
        return
    states = [step.state for step in steps]
    DistributorImport.objects.filter(pk=import_id).update(
        status=DistributorImport.Status.DONE,
        finished_at=timezone.now(),
        progress=len(steps),
        created_count=states.count("new"),
        changed_count=states.count("changed"),
        unchanged_count=states.count("unchanged"),
    )


@contextmanager
def _history_by(user):
    """Name `user` in the audit history of what is saved, in a Celery worker too, where no
    request tells HistoryRequestMiddleware who it is."""
    if getattr(HistoricalRecords.context, "request", None) is not None:
        yield
        return
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def _save_distributors(rows, user):
    steps = plan_distributors(rows)
    archived = sorted(step.target.code for step in steps if step.target and step.target.is_archived)
    if archived:
        raise ChangedSincePreview(f"archived since the preview: {', '.join(archived)}")
    # A row previewed as a change of a distributor deleted since, or as a new one whose code
    # someone has used since ("id" is missing in previews stored before it was recorded).
    moved = sorted(
        step.row["code"]
        for step in steps
        if "id" in step.row and step.row["id"] != (step.target.pk if step.target else None)
    )
    if moved:
        raise ChangedSincePreview(f"added or deleted since the preview: {', '.join(moved)}")
    for step in steps:
        fields = dict(step.changes)
        prefectures = fields.pop("prefectures", None)
        if step.state == "new":
            # A new partner joins the portfolio of whoever imports it, as on the form.
            services.do_create_distributor(
                account_manager=user, prefectures=prefectures or (), **fields
            )
        elif step.state == "changed":
            target = step.target
            if prefectures is None:
                prefectures = list(target.prefectures.all())
            services.do_update_distributor(
                target,
                prefectures=prefectures,
                product_categories=list(target.product_categories.all()),
                **fields,
            )
    return steps


def _save_contacts(rows):
    steps = plan_contacts(rows)
    wanted = {step.row["distributor_id"] for step in steps}
    distributors = Distributor.objects.in_bulk(wanted)
    gone = wanted - {pk for pk, distributor in distributors.items() if not distributor.is_archived}
    if gone:
        raise ChangedSincePreview(f"archived or deleted since the preview: {sorted(gone)}")
    for step in steps:
        if step.state == "new":
            services.do_create_contact(distributors[step.row["distributor_id"]], **step.changes)
        elif step.state == "changed":
            services.do_update_contact(step.target, **step.changes)
    return steps
