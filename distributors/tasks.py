"""Celery tasks of the distributors: thin wrappers over the services."""

from celery import shared_task

from . import import_services


@shared_task(name="distributors.save_distributor_import")
def save_distributor_import(import_id):
    # Safe to run twice: the run that claims the queued import saves it, any other returns.
    return import_services.do_run_import(import_id)
