"""What the users of bench/load_test.py do, for Locust (run by it, not on its own).

Account managers read Home/My week, the distributor list, a distributor page and a
meeting page, and log touchpoints through the real form; distributor users read the
portal's home and send feedback. Every write is a form fetched for its CSRF token, then
posted; it counts as a success only when PRM answers with the redirect that follows a
save. PRM_LOAD_DATA (JSON, written by load_test.py) names the logins and the objects.
"""

import json
import os
import random
import re
import uuid

from locust import HttpUser, between, task

# Locust runs with the project's root as its working directory (bench/load_test.py).
from bench.load_test import FEEDBACK_WRITE, TOUCHPOINT_WRITE

DATA = json.loads(os.environ.get("PRM_LOAD_DATA", "{}"))
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MAX_DATE = re.compile(r'<input type="date" name="occurred_on"[^>]* max="([0-9-]+)"')


class PrmUser(HttpUser):
    abstract = True
    # A person reads a page before the next click.
    wait_time = between(0.5, 1.5)
    username = None

    def on_start(self):
        credentials = {"username": self.username, "password": DATA["password"]}
        self.submit("/login/", "login", lambda page: credentials, expect=r"^/(my-week/|portal/)?$")

    def read(self, path, name, *patterns):
        """GET `path`; a failure unless it answers 200 with every one of `patterns`."""
        with self.client.get(path, name=name, catch_response=True) as response:
            # A page that sends the user to log in again means the session was lost.
            if response.status_code != 200 or (response.history and "/login/" in response.url):
                response.failure(f"{response.status_code} at {response.url}")
            elif missing := [p.pattern for p in patterns if not p.search(response.text)]:
                response.failure(f"{', '.join(missing)} not on {response.url}")
        return response

    def submit(self, path, name, fields, expect, action=None, patterns=()):
        """Open the form at `path`, post `fields(page)` with the page's CSRF token to `action`
        (the same address by default). A success is the redirect that follows a save, to an
        address matching `expect`; a form shown again with errors is a failure. `fields`
        may read what `patterns` found on the page."""
        page = self.read(path, f"form: {name}", CSRF_TOKEN, *patterns)
        if not all(p.search(page.text or "") for p in (CSRF_TOKEN, *patterns)):
            return  # a failure already
        token = CSRF_TOKEN.search(page.text)
        with self.client.post(
            action or path,
            {**fields(page.text), "csrfmiddlewaretoken": token[1]},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not re.search(expect, location):
                response.failure(f"{response.status_code} to {location!r}: not saved")


class AccountManager(PrmUser):
    weight = 3
    username = DATA.get("manager")

    @task(4)
    def my_week(self):
        self.read("/", "read: Home / My week")

    @task(2)
    def distributor_list(self):
        self.read("/distributors/", "read: distributor list")

    @task(4)
    def distributor_page(self):
        self.read(f"/distributors/{random.choice(DATA['distributors'])}/", "read: distributor")

    @task(3)
    def meeting_page(self):
        self.read(f"/meetings/{random.choice(DATA['meetings'])}/", "read: meeting")

    @task(2)
    def log_touchpoint(self):
        distributor = random.choice(DATA["distributors"])

        def fields(page):
            return {
                "distributor": distributor,
                "kind": "call",
                # The latest day the form allows: today in the manager's time zone.
                "occurred_on": MAX_DATE.search(page)[1],
                "staff": DATA["manager_id"],
                "mood": "neutral",
                "notes": f"Load test call {uuid.uuid4()}",
                "follow_up_owner_side": "ours",
            }

        self.submit(
            f"/touchpoints/new/?distributor={distributor}",
            TOUCHPOINT_WRITE,
            fields,
            expect=rf"^/distributors/{distributor}/$",
            action="/touchpoints/new/",
            patterns=[MAX_DATE],
        )


class DistributorUser(PrmUser):
    weight = 1

    def on_start(self):
        self.username = random.choice(DATA["partners"])
        super().on_start()

    @task(4)
    def portal_home(self):
        self.read("/portal/", "read: portal home")

    @task(1)
    def send_feedback(self):
        fields = {
            "kind": "market",
            "subject": "Load test: shelf space in Osaka",
            "body": f"Load test message {uuid.uuid4()}",
        }
        self.submit(
            "/portal/feedback/new/",
            FEEDBACK_WRITE,
            lambda page: fields,
            expect=r"^/portal/feedback/\d+/$",
        )
