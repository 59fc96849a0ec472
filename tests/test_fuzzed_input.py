"""Issue #10 point 6: generated bad input to every form and JSON endpoint is answered with
the form and its errors (200), a redirect after success, or a 4xx; never a 500; and a
rejected submit leaves the database as it was.

The endpoints come from the URL resolver through docs/permissions.md (every URL a role may
POST to), so a new form is fuzzed the day it is added. Each is sent as the role that uses
it, with a real object of the small world of tests/test_permission_matrix.py in its path.
The fields are read from the pages that role opens: the forms whose action is the
endpoint, with their current values and options, so most submissions are a valid one with
some fields spoiled (and reach the forms' clean() and the services), plus keys no form
has. The API's bodies follow its OpenAPI schema, starting from a row it returns.

Every submission runs in a savepoint that is rolled back, so each starts from the same
world. The run ends with the number of submissions made and their answers.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from traceback import format_exception
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.test_permission_matrix import (  # noqa: F401 (world is a fixture)
    ADMIN_ROW,
    matrix,
    named_routes,
    url_for,
    world,
)

pytestmark = pytest.mark.django_db

# Examples per endpoint, enough for every kind of bad value to meet the fields of the
# common forms over a few runs, few enough for the whole file to take about a minute: a
# form's page is rendered again with each rejected submission. An address without a form
# of its own (a page that answers POST as GET, an action whose button the world's objects
# do not show) gets stray keys only, a few times. JSON costs little to parse and refuse.
FORM_EXAMPLES, STRAY_KEYS_EXAMPLES, JSON_EXAMPLES = 8, 2, 25
FUZZ_SETTINGS = hypothesis_settings(
    deadline=None,
    database=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    # The world is built once per test and each example rolls back what it changed.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# A logged-in role that gets one of these did not get to the form.
REFUSED = {"401", "403", "405"}
# The roles a page or an action is fuzzed as, the first that may use it.
STAFF_FIRST = ("account manager", "distributor user", "executive", "administrator")
# The admin's own login is no row of the matrix (admin:* is), yet a form open to all.
ANONYMOUS_EXTRA = ("admin:login",)

SUBMISSIONS = Counter()
# {endpoint: whether a form of a page posts to it}, for the summary.
FIELDS_FOUND = {}
WRITES = ("post", "put", "patch")

# Text a Japanese business user, a copy and paste, or an attacker may send.
JAPANESE = list("日本語漢字株式会社東京都千代田区髙﨑ひらがなカタカナｶﾀｶﾅ〜ー・「」㈱№Ⅳ①　")
EMOJI = ["😀", "🙏🏻", "👨‍👩‍👧", "🇯🇵", "🍣"]
# NUL first: PostgreSQL refuses it in text where SQLite stores it.
CONTROL = [chr(code) for code in range(32)] + ["\x7f", "\x85", "\u2028", "\u200b", "\u202e"]
SYMBOLS = list("aZ09 <>&\"'%;/\\=-_.,@#")
# Lists joined, not st.text: an emoji of several code points is one element.
UNICODE_TEXT = st.lists(st.sampled_from(JAPANESE + EMOJI + CONTROL + SYMBOLS), max_size=40).map(
    "".join
)
LONG_TEXT = st.builds(
    lambda unit, times: unit * times,
    st.sampled_from(["a", "漢", "ｶ", "😀", "\x00", "<b>", "9", "a\r\n"]),
    st.integers(10_000, 100_000),
)
NUMBERS = st.one_of(
    st.integers().map(str),
    st.floats().map(str),
    st.sampled_from(
        ["0", "-1", "9" * 40, "-" + "9" * 40, str(2**31), str(2**63), str(2**64), "1e309",
         "NaN", "-Infinity", "１２３", "٣", "0x1F", "1,000", "¥1,000", "1.", ".5", "--1"]
    ),
)  # fmt: skip
DATES = st.sampled_from(
    ["0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01", "2025-02-30", "2025-13-01",
     "-0001-01-01", "9999-12-31T23:59:59", "9999-12-31 23:59", "0000-00-00 00:00",
     "2025-04", "13/13/2025", "令和7年1月1日", "R7.1.1", "2025-04-01T25:61"]
)  # fmt: skip
BAD_TEXT = st.one_of(st.just(""), UNICODE_TEXT, st.text(max_size=20), LONG_TEXT, NUMBERS, DATES)
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    BAD_TEXT,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(UNICODE_TEXT, inner, max_size=3),
    max_leaves=6,
)
MALFORMED_JSON = st.sampled_from(
    [b"", b"{", b"[", b'{"a":', b"nul", b"NaN", b"{'single': 'quotes'}", b"\xff\xfe\x00",
     b'{"a": 1e999999}', b'"\\ud800"', b"[" * 100_000, b'{"a":' * 50_000, b"\x00"]
)  # fmt: skip
FILE_CONTENT = st.one_of(
    st.binary(max_size=2_000),
    st.builds(
        lambda head, tail: head + tail,
        st.sampled_from([b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xef\xbb\xbf", b"PK\x03\x04"]),
        st.binary(max_size=500),
    ),
    UNICODE_TEXT.map(lambda text: text.encode("utf-8")),
    UNICODE_TEXT.map(lambda text: text.encode("cp932", errors="ignore")),
)
FILE_NAMES = st.builds(
    lambda stem, suffix: stem + suffix,
    st.one_of(st.just(""), UNICODE_TEXT.map(lambda text: text.replace("\x00", ""))),
    st.sampled_from([".csv", ".xlsx", ".pdf", ".png", ".exe", "", ".CSV", ".pdf.exe"]),
)


# What a page's forms send.


@dataclass
class FormField:
    kind: str
    options: list = field(default_factory=list)
    current: list = field(default_factory=list)


class FormReader(HTMLParser):
    """The forms of a page that POST: {action path: [{field name: FormField}]}."""

    def __init__(self, page_path):
        super().__init__()
        self.page_path = page_path
        self.forms = {}
        self.form = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        name = attrs.get("name")
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                action = urlsplit(attrs.get("action", "")).path or self.page_path
                self.form = {}
                self.forms.setdefault(action, []).append(self.form)
            return
        if self.form is None:
            return
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            entry = self.form.setdefault(name, FormField(kind))
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio", "submit"):
                entry.options.append(value)
                if "checked" in attrs:
                    entry.current.append(value)
            elif kind != "file":
                entry.current.append(value)
        elif tag == "button" and name:
            self.form.setdefault(name, FormField("submit")).options.append(attrs.get("value", ""))
        elif tag == "select" and name:
            self.select = self.form.setdefault(name, FormField("select"))
        elif tag == "option" and self.select is not None:
            self.select.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self.select.current.append(self.select.options[-1])
        elif tag == "textarea" and name:
            self.textarea = self.form.setdefault(name, FormField("textarea", current=[""]))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.current[-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            if self.select is not None and not self.select.current and self.select.options:
                self.select.current.append(self.select.options[0])
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms_by_action(client, paths):
    """{action path: [form]} of the POST forms of every page in `paths`."""
    found = {}
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        reader = FormReader(path)
        reader.feed(response.content.decode(errors="replace"))
        for action, forms in reader.forms.items():
            found.setdefault(action, []).extend(forms)
    return found


# Which endpoints, as whom.


def is_api(name):
    return name.startswith("api:")


def fuzzed_role(outcomes):
    """The role a POST endpoint is fuzzed as: an anonymous visitor when the form is theirs
    (login, an invitation), else the first logged-in role that gets past the door."""
    if outcomes["anonymous"] == "200":
        return "anonymous"
    for role in STAFF_FIRST:
        if outcomes[role] not in REFUSED:
            return role
    return None


def form_targets(rows, role):
    """The names of the pages and actions (not the API) that `role` POSTs to, of the rows
    of the matrix."""
    return sorted(
        name
        for name, row in rows.items()
        if name != ADMIN_ROW
        and not is_api(name)
        and "POST" in row["methods"]
        and fuzzed_role(row["methods"]["POST"]) == role
    )


def pages_of(small_world, rows, role):
    """The addresses of every page `role` opens, where the forms it may send are."""
    routes = named_routes()
    user = small_world["users"][role]
    return [
        url_for(small_world, name, routes[name], row["object"], user)
        for name, row in rows.items()
        if name != ADMIN_ROW and row["methods"].get("GET", {}).get(role) == "200"
    ]


# The database, before and after.


def domain_models():
    """Every table of the project's own apps (with their history and many-to-many tables);
    not sessions, lockout attempts or other libraries' bookkeeping."""
    base = Path(django_settings.BASE_DIR).resolve()
    own = [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and ".venv" not in Path(config.path).resolve().relative_to(base).parts
    ]
    return [model for config in own for model in config.get_models(include_auto_created=True)]


def fingerprint():
    """{table: (rows, highest key, latest auto_now stamp)} of every domain table, in one
    query: a row added or removed changes it, and so does a row saved, through its stamp or
    the row its history table gains (every domain model keeps one)."""
    quote = connection.ops.quote_name
    selects = []
    for model in domain_models():
        table = quote(model._meta.db_table)
        key = f"CAST(MAX({quote(model._meta.pk.column)}) AS TEXT)"
        stamps = [f.column for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        stamp = f"CAST(MAX({quote(stamps[0])}) AS TEXT)" if stamps else "NULL"
        selects.append(f"SELECT '{model._meta.db_table}', COUNT(*), {key}, {stamp} FROM {table}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects))
        return {table: rest for table, *rest in cursor.fetchall()}


def changed_tables(before, after):
    return sorted(table for table in before if before[table] != after[table])


class Visitor:
    """A client signed in once as `user` (or anonymous), so that every submission starts
    from the same session cookie as well as from the same database."""

    def __init__(self, client, user):
        self.client = client
        if user is not None:
            client.force_login(user)
        self.cookies = SimpleCookie(client.cookies)
        self.baseline = None

    def start(self):
        """Take the database as it is before an endpoint's submissions: each of them is
        rolled back to it."""
        self.baseline = fingerprint()

    def submit(self, send, *, rejected):
        """Send one submission and check its answer, then roll back what it changed.
        `rejected(status)` says whether an answer means the submission was refused."""
        # A logout or a login in an earlier submission changed the client's cookie.
        self.client.cookies = SimpleCookie(self.cookies)
        with transaction.atomic():
            try:
                response = send()
            except Exception as error:  # the client raises nothing itself; be sure
                raise AssertionError(f"the request raised {error!r}") from error
            status = response.status_code
            if status >= 500 and getattr(response, "exc_info", None):
                raise AssertionError(f"{status}: {''.join(format_exception(response.exc_info[1]))}")
            assert status < 500, f"{status}: {response.content[:2000]!r}"
            assert status in (200, 201, 204, 301, 302, 303) or 400 <= status < 500, status
            if rejected(status):
                changed = changed_tables(self.baseline, fingerprint())
                assert changed == [], f"rejected with {status}, yet changed {changed}"
            transaction.set_rollback(True)
        return status


# Generated submissions.


def bad_form_value(draw_data, spec):
    """One spoiled value (or several, for one name) for a field of kind `spec`."""
    values = [BAD_TEXT]
    if spec.options:
        values.append(st.sampled_from(spec.options))
    values.append(st.lists(st.one_of(*values), min_size=2, max_size=4))
    return draw_data.draw(st.one_of(*values))


def form_submission(draw_data, forms):
    """(data, files) of one of `forms`, some fields kept, some spoiled, some left out."""
    # By its number: the failure report shows the draws, and a form is long to read.
    form = forms[draw_data.draw(st.integers(0, len(forms) - 1), label="form")] if forms else {}
    data, files = {}, {}
    for name, spec in form.items():
        how = draw_data.draw(
            st.sampled_from(["keep", "keep", "spoil", "spoil", "omit"]), label=name
        )
        if spec.kind == "file":
            if how != "omit":
                files[name] = SimpleUploadedFile(
                    draw_data.draw(FILE_NAMES) or "x",
                    draw_data.draw(FILE_CONTENT),
                    draw_data.draw(st.sampled_from(["text/csv", "application/pdf", ""])),
                )
        elif how == "keep" and spec.current:
            data[name] = spec.current if len(spec.current) > 1 else spec.current[0]
        elif how == "spoil" or (how == "keep" and spec.options):
            data[name] = bad_form_value(draw_data, spec)
    extra = draw_data.draw(st.dictionaries(UNICODE_TEXT.filter(bool), BAD_TEXT, max_size=3))
    for name, value in extra.items():
        data.setdefault(name, value)
    return data, files


def fuzz_form(visitor, url, forms):
    @hypothesis_settings(
        FUZZ_SETTINGS, max_examples=FORM_EXAMPLES if forms else STRAY_KEYS_EXAMPLES
    )
    @given(draw_data=st.data())
    def run(draw_data):
        data, files = form_submission(draw_data, forms)
        headers = draw_data.draw(st.sampled_from([{}, {"HX-Request": "true"}]))
        status = visitor.submit(
            lambda: visitor.client.post(url, {**data, **files}, headers=headers),
            # An htmx request's success is a fragment (200), not a redirect.
            rejected=lambda status: status >= 400 or (status == 200 and not headers),
        )
        SUBMISSIONS[url, status] += 1

    visitor.start()
    run()


def request_schema(schema, path, method):
    """The JSON schema of the body of `method` on `path`, references resolved one level."""
    operation = schema["paths"][path][method]
    body = operation["requestBody"]["content"]["application/json"]["schema"]

    def resolved(node):
        if "$ref" in node:
            return schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        return node

    if body.get("type") == "array":
        return "array", resolved(body["items"])
    return "object", resolved(body)


def json_template(properties, row):
    """The writable fields of `properties`, with the values `row` (a row the API returned)
    has for them."""
    return {
        name: row.get(name)
        for name, spec in properties.items()
        if not spec.get("readOnly") and name in row
    }


def json_object(draw_data, properties, template):
    body = {}
    for name in properties:
        if properties[name].get("readOnly"):
            continue
        how = draw_data.draw(st.sampled_from(["keep", "keep", "spoil", "omit"]))
        if how == "keep" and name in template:
            body[name] = template[name]
        elif how == "spoil":
            body[name] = draw_data.draw(JSON_VALUES)
    body.update(draw_data.draw(st.dictionaries(UNICODE_TEXT, JSON_VALUES, max_size=2)))
    return body


def json_submission(draw_data, shape, properties, template):
    """(body bytes, content type) of one generated request to a JSON endpoint."""
    mode = draw_data.draw(st.sampled_from(["shaped", "shaped", "shaped", "any", "malformed"]))
    if mode == "malformed":
        content_type = draw_data.draw(
            st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/csv"])
        )
        return draw_data.draw(MALFORMED_JSON), content_type
    if mode == "any":
        body = draw_data.draw(JSON_VALUES)
    else:
        count = draw_data.draw(st.integers(0, 3))
        rows = [json_object(draw_data, properties, template) for _ in range(count)]
        as_array = draw_data.draw(st.booleans()) if shape == "array" else count > 1
        body = rows if as_array else (rows[0] if rows else {})
    # NaN and Infinity are not JSON; Python writes them anyway, as some clients do.
    return json.dumps(body, allow_nan=True).encode(), "application/json"


def fuzz_json(visitor, method, url, shape, properties, template):
    @hypothesis_settings(FUZZ_SETTINGS, max_examples=JSON_EXAMPLES)
    @given(draw_data=st.data())
    def run(draw_data):
        body, content_type = json_submission(draw_data, shape, properties, template)
        status = visitor.submit(
            lambda: visitor.client.generic(method.upper(), url, body, content_type=content_type),
            rejected=lambda status: status >= 400,
        )
        SUBMISSIONS[url, status] += 1

    visitor.start()
    run()


@pytest.fixture(scope="module", autouse=True)
def submissions_summary(request):
    yield
    if not SUBMISSIONS:  # only the explicit cases ran
        return
    total = sum(SUBMISSIONS.values())
    statuses = Counter()
    for (_url, status), number in SUBMISSIONS.items():
        statuses[status] += number
    endpoints = len({url for url, _status in SUBMISSIONS})
    # Shown with or without -s: the closing note of issue #10 gives this number.
    plugins = request.config.pluginmanager
    with plugins.get_plugin("capturemanager").global_and_fixture_disabled():
        plugins.get_plugin("terminalreporter").write_line(
            f"\nfuzzed input: {total} submissions to {endpoints} endpoints "
            f"({sum(FIELDS_FOUND.values())} of {len(FIELDS_FOUND)} forms with fields read "
            f"from their pages); answers {dict(sorted(statuses.items()))}"
        )


@pytest.fixture
def small_world(request):
    """The world of tests/test_permission_matrix.py: one distributor, an object of every
    kind a URL opens, and a user of each role."""
    return request.getfixturevalue("world")


@pytest.fixture
def unthrottled_api(settings):
    # The fuzzing sends more requests in a minute than a client may send in an hour.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "1000000/hour", "anon": "1000000/hour"},
    }


def run_all(jobs):
    """Run every endpoint's fuzzing, then report every endpoint that failed, not only the
    first."""
    failures = []
    for label, job in jobs:
        try:
            job()
        except Exception as error:
            # The whole trace of an error in the test's own machinery; hypothesis's notes
            # (the failing draws) of a failed check.
            trace = "" if isinstance(error, AssertionError) else "".join(format_exception(error))
            notes = "\n".join(getattr(error, "__notes__", []))
            failures.append(f"{label}: {error}\n{trace}{notes}")
    assert failures == [], "\n\n".join(failures)


@pytest.mark.parametrize("role", ["account manager", "distributor user", "anonymous"])
def test_forms_answer_bad_input_with_errors_never_a_500(role, small_world):
    rows = matrix()
    routes = named_routes()
    user = small_world["users"][role]
    addresses = {
        name: url_for(small_world, name, routes[name], rows[name]["object"], user)
        for name in form_targets(rows, role)
    }
    if role == "anonymous":
        addresses |= {name: reverse(name) for name in ANONYMOUS_EXTRA}
    assert addresses, f"no form is fuzzed as the {role}"
    visitor = Visitor(Client(raise_request_exception=False), user)
    forms = forms_by_action(
        visitor.client, dict.fromkeys([*pages_of(small_world, rows, role), *addresses.values()])
    )
    jobs = []
    for name, url in sorted(addresses.items()):
        FIELDS_FOUND[url] = bool(forms.get(url))
        jobs.append((f"POST {url} ({name})", partial(fuzz_form, visitor, url, forms.get(url, []))))
    run_all(jobs)


def api_targets(rows):
    """[(name, roles)] of the API's endpoints that may take writes (of the rows of the
    matrix): as the account manager, and as the distributor's user where the matrix lets
    them past the door."""
    found = []
    for name, row in sorted(rows.items()):
        if not is_api(name) or "POST" not in row["methods"]:
            continue
        roles = ["account manager"]
        if row["methods"]["POST"]["distributor user"] not in REFUSED:
            roles.append("distributor user")
        found.append((name, roles))
    return found


def schema_path(schema, url):
    """The path of the OpenAPI schema that `url` is an instance of."""
    for path in schema["paths"]:
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", path), url):
            return path
    raise AssertionError(f"{url} is not in the API schema")


def sample_row(client, url):
    """A row the API returns at `url`: the object itself, or the first of a list."""
    body = client.get(url).json()
    if isinstance(body, dict) and "results" in body:
        body = body["results"]
    if isinstance(body, list):
        return body[0] if body else {}
    return body


@pytest.mark.parametrize("role", ["account manager", "distributor user"])
def test_json_endpoints_answer_bad_input_with_4xx_never_a_500(role, small_world, unthrottled_api):
    user = small_world["users"][role]
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    visitor = Visitor(client, None)
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    routes = named_routes()
    jobs = []
    rows = matrix()
    for name, roles in api_targets(rows):
        if role not in roles:
            continue
        url = url_for(small_world, name, routes[name], rows[name]["object"], user)
        view = resolve(url).func
        # The router maps PUT too; the view's own list of methods says whether it is taken.
        actions = getattr(view, "actions", {})  # the schema's own views have none
        writes = [m for m in actions if m in WRITES and m in view.cls.http_method_names]
        for method in writes:
            shape, body = request_schema(schema, schema_path(schema, url), method)
            properties = body.get("properties", {})
            template = json_template(properties, sample_row(client, url))
            jobs.append(
                (
                    f"{method.upper()} {url} ({name})",
                    partial(fuzz_json, visitor, method, url, shape, properties, template),
                )
            )
    assert jobs, f"no JSON endpoint is fuzzed as the {role}"
    run_all(jobs)


@pytest.mark.parametrize("value", ["²", "٣", "9" * 5000])
def test_an_id_in_the_address_that_is_no_number_is_a_404_or_ignored(
    value, client, account_manager, partner_user
):
    """A query string's id written with other digits than 0-9 ("²" passes str.isdigit(),
    then int() refuses it): the page without it, or a 404, as for any id that names
    nothing."""
    client.force_login(account_manager)
    assert client.get(reverse("milestones:goal_create"), {"distributor": value}).status_code == 404
    for name, field_name in (
        ("meetings:meeting_create", "distributors"),
        ("meetings:touchpoint_log", "distributor"),
    ):
        response = client.get(reverse(name), {"distributor": value})
        assert response.status_code == 200
        assert field_name not in response.context["form"].initial
    client.force_login(partner_user)
    assert client.get(reverse("portal:figures"), {"correct": value}).status_code == 404


@pytest.mark.parametrize("name", ["login", "admin:login"])
def test_a_username_longer_than_any_users_is_a_form_error(name, client):
    """Not a lookup: django-axes would record the failed login's username, and PostgreSQL
    refuses one over 255 characters (a 500 where SQLite stored it)."""
    response = client.post(reverse(name), {"username": "a" * 10_000, "password": "x"})

    assert response.status_code == 200
    [error] = response.context["form"].errors["username"]
    assert "at most 150 characters" in error


def test_a_next_address_that_looks_like_a_view_name_is_followed_as_an_address(
    client, account_manager
):
    """redirect("0") looked "0" up as a view's name and failed (a 500)."""
    client.force_login(account_manager)
    response = client.post(reverse("notifications:mark_all_read"), {"next": "0"})

    assert response.status_code == 302
    assert response.url == "0"


def test_json_nested_deeper_than_python_parses_is_a_400(account_manager):
    client = APIClient()
    client.force_authenticate(account_manager)
    response = client.generic(
        "POST", reverse("api:distributor-list"), b"[" * 100_000, content_type="application/json"
    )

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_a_choice_of_ids_beyond_any_integer_column_is_a_form_error(client, account_manager):
    """SQLite raised OverflowError on the pk__in lookup that checks the choices (a 500)."""
    client.force_login(account_manager)
    response = client.post(
        reverse("distributors:create"), {"prefectures": [str(2**63), str(-(2**70))]}
    )

    assert response.status_code == 200
    assert "prefectures" in response.context["form"].errors
