"""A slow mail server for tests/test_reminder_faults.py: the file backend, only later.

A worker started with EMAIL_BACKEND=tests.slow_email.EmailBackend waits
PRM_TEST_SEND_DELAY seconds before it writes each e-mail, so that a test can kill it
while it sends.
"""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("PRM_TEST_SEND_DELAY", "0")))
        return super().send_messages(email_messages)
