from smtplib import SMTPException

from celery import shared_task

from . import services


# Safe to run twice: the reminder is claimed with a conditional update before it is sent.
@shared_task(
    name="meetings.deliver_reminder",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def deliver_reminder(reminder_id):
    return services.do_deliver_reminder(reminder_id)
