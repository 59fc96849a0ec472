"""Celery tasks of the figures: thin wrappers over services.py."""

from celery import shared_task

from . import services


@shared_task(name="figures.save_figure_import")
def save_figure_import(import_id):
    # Safe to run twice: the run that claims the queued import saves it, any other returns.
    return services.do_run_import(import_id)
