"""Junk in every parameter of every route of the URL matrix, as every role: never a server error.

The routes are tests/matrix.py's (every pattern of the URL conf, with how to fill its arguments
and each role's expected status), on the world tests/recordsportal/test_url_matrix.py builds.
What each route takes is found, not listed by hand:

1. Every page the matrix says a role may open (200) is rendered as that role and its HTML read:
   each `<form>` gives the fields of the route its `action` resolves to — a GET form's fields are
   query parameters, a POST form's the body — with the values the page put in them (the current
   value, the selected option, a real object's id); every link with a query string on a route
   of the matrix gives that route query parameters too (`?month=`, `?page=`, `?sort=`…).
2. The API's routes take their query parameters and body fields from the OpenAPI schema
   (/api/schema/, the same generator).
3. The matrix's own query and body of a row are added, and every page also gets the parameters
   views commonly read without every page linking them (COMMON_QUERY: page, year, month…).
4. A page whose form posts back to it while the matrix has no POST row for it (the create pages:
   new document, new dossier, staff forms, admin change forms) has that form posted too.

Then, for each route and each actor of its row (the anonymous visitor included), hypothesis sends
requests in which each parameter is either the value the page offered or junk: numbers far out of
any range (0, -5, 10000, 20 digits, 1e10, NaN, Infinity), dates and months of year 0001 and 9999,
"²" (a digit to str.isdigit(), not to int()), NUL, RTL marks, decomposed Vietnamese, 5,000
characters, SQL and HTML, and any text hypothesis draws. A file field gets nothing or a few junk
bytes. The property: no answer is a 5xx and no view raises (the test client re-raises a view's
exception). Each request runs in a savepoint rolled back afterwards, so every example starts
from the same world.

Bounded for CI: EXAMPLES_ALLOWED examples (3; JUNK_SWEEP_EXAMPLES=n for more) per route and
form for each role that may use it, EXAMPLES_DENIED (1) for each role refused (the refusal comes
before any parameter is read); the `ci` profile (tests/properties/conftest.py) derandomises, so a
red run is reproducible, and `dev` draws new examples every run. The last test prints the number
of cases tried and writes them to test-results/junk-sweep.json (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests import matrix
from tests.conftest import savepoint_rolled_back
from tests.recordsportal.test_url_matrix import ROUTES, build_data, build_url, build_world

from .strategies import VIETNAMESE

pytestmark = pytest.mark.django_db

EXAMPLES_ALLOWED = int(os.environ.get("JUNK_SWEEP_EXAMPLES", "3"))
EXAMPLES_DENIED = 1
RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "junk-sweep.json"

# Parameters many views read without every page linking them: tried on every GET route too.
COMMON_QUERY = ["page", "year", "month", "department", "officer", "q", "status", "sort", "direction", "next",
                "cursor", "format"]

# Values a person, a script or a broken client sends, aimed at the parsers' edges.
HOSTILE = [
    "", " ", "0", "-1", "-5", "1", "2", "+1", "-0", "007", "10000", "99999", "2147483648", "9223372036854775808",
    "99999999999999999999", "9" * 400, "1e10", "1e-30", "1E999999", "NaN", "nan", "Infinity", "-Infinity", "inf",
    "0.5", "1,5", "1.000,5", "0x10", "²", "١٢٣", "Ⅻ", "0001-01", "9999-12", "2026-13", "2026-00", "2026-3",
    "10000-01", "0001-01-01", "9999-12-31", "2026-02-30", "01/01/0001", "31/12/9999", "29/02/2025", "00/00/0000",
    "32/13/2026", "2026", "1989", "0000", "true", "false", "on", "null", "None", "[]", "{}", "abc", "=1+1",
    "<script>alert(1)</script>", "' OR '1'='1", "%", "_", "\\", "../../etc/passwd", "\x00", "a\x00b", "\u202e",
    "\ufeff", "a\u0301", "😀", "x" * 5000, VIETNAMESE,
]
# Mostly the hostile values (three branches of five), else any text or integer hypothesis draws.
hostile = st.sampled_from(HOSTILE)
junk_text = st.one_of(hostile, hostile, hostile, st.text(max_size=40), st.integers(-(10**25), 10**25).map(str))
junk_json = st.one_of(junk_text, st.integers(-(10**25), 10**25), st.floats(allow_nan=False, allow_infinity=False),
                      st.none(), st.booleans(), st.lists(junk_text, max_size=3), st.dictionaries(junk_text, junk_text,
                                                                                                   max_size=2))
junk_file = st.one_of(st.none(), st.binary(max_size=64).map(lambda data: ("junk", data)),
                      st.sampled_from([("tep.pdf", b"%PDF-1.4\n%%EOF"), ("tep.xlsx", b"PK\x03\x04junk"),
                                       ("x" * 300 + ".pdf", b"%PDF-1.4"), ("a", b"")]))


# --- what each route takes, found on the pages and in the schema ---------------------------------------


@dataclass
class Field:
    values: list = field(default_factory=list)  # what the page offered (a real value first)
    file: bool = False
    multiple: bool = False


@dataclass
class Target:
    key: str
    method: str
    api: bool
    urls: dict  # actor -> (url, body from the matrix)
    allowed: set
    fields: dict = field(default_factory=dict)  # name -> Field
    # A page's own POST form when the matrix has no POST row for its route (the create pages:
    # the matrix reads them, their form posts back to them).
    form_post: Target | None = None


class Forms(HTMLParser):
    """The forms (method, action, fields with their values) and the query links of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.links, self._form, self._select, self._textarea = [], [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").upper(), "action": a.get("action") or "",
                          "fields": defaultdict(Field)}
            self.forms.append(self._form)
        elif tag == "a" and "?" in (a.get("href") or ""):
            self.links.append(a["href"])
        elif self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None and a.get("value") not in (None, ""):
                self._select.values.append(a["value"])
            return
        elif tag == "input":
            f = self._form["fields"][a["name"]]
            f.file |= a.get("type") == "file"
            f.multiple |= "multiple" in a or a.get("type") == "checkbox"
            if a.get("value") is not None and a.get("type") not in ("file", "submit"):
                f.values.append(a["value"])
        elif tag == "select":
            self._select = self._form["fields"][a["name"]]
            self._select.multiple |= "multiple" in a
        elif tag == "textarea":
            self._textarea = self._form["fields"][a["name"]]
        elif tag == "button" and a.get("value") is not None:
            self._form["fields"][a["name"]].values.append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None and data.strip():
            self._textarea.values.append(data.strip())


def _route_of(path: str) -> str | None:
    try:
        return resolve(path).route.replace("^", "")
    except Resolver404:
        return None


def _merge(into: dict, fields: dict) -> None:
    for name, found in fields.items():
        known = into.setdefault(name, Field())
        known.values += [v for v in found.values if v not in known.values][:20]
        known.file |= found.file
        known.multiple |= found.multiple


def _allowed(token: str) -> bool:
    return token in {"200", "201", "204", "302", "400"}


def _schema_fields() -> dict:
    """(route, method) -> field names, from the OpenAPI schema: query parameters, body properties."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for path, operations in schema["paths"].items():
        route = _route_of(re.sub(r"\{[^}]+\}", "1", path))
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            body = operation.get("requestBody", {}).get("content", {})
            for content in body.values():
                ref = content.get("schema", {}).get("$ref", "")
                component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
                names += list(component.get("properties", {}))
            found[(route, method.upper())] = names
    return found


def discover(world, sessions, failures: dict) -> dict[str, Target]:
    entries = matrix.TABLE
    targets, pages = {}, defaultdict(dict)  # (route, method) -> name -> Field
    for key, entry in entries.items():
        scope = next(s for s in ("own_scope", "no_object", "other_dept") if s in entry.statuses)
        objects = world.objects[scope]
        by_role = entry.statuses[scope]
        url = build_url(key, entry, objects)
        targets[key] = Target(key=key, method=entry.method, api=entry.api,
                              urls={role: (url, build_data(entry, objects)) for role in by_role},
                              allowed={role for role, token in by_role.items() if _allowed(token)})
        route = ROUTES[matrix.route_key(key)].route.replace("^", "")
        if entry.query:
            pages[(route, entry.method)].update(
                {k: Field(values=[v]) for k, v in parse_qsl(entry.query, keep_blank_values=True)})
        # Read each page the matrix says an actor may open.
        if entry.method != "GET" or entry.api:
            continue
        for role, token in by_role.items():
            if token != "200" or role not in sessions:
                continue
            client = Client(raise_request_exception=False)
            client.cookies[django_settings.SESSION_COOKIE_NAME] = sessions[role]
            response = client.get(url)
            if response.status_code >= 500:  # the route's own test reports it
                failures[key] = f"{role} GET {url} → {response.status_code} while reading the page"
            if "html" not in response.get("Content-Type", ""):
                continue
            parser = Forms()
            parser.feed(response.content.decode(errors="replace"))
            for form in parser.forms:
                action = urlsplit(form["action"]).path or urlsplit(url).path
                target_route = _route_of(action)
                if target_route:
                    _merge(pages.setdefault((target_route, form["method"]), {}), form["fields"])
            for link in parser.links:
                parts = urlsplit(link)
                target_route = _route_of(parts.path or urlsplit(url).path)
                if target_route:
                    _merge(pages.setdefault((target_route, "GET"), {}),
                           {k: Field(values=[v]) for k, v in parse_qsl(parts.query, keep_blank_values=True)})
    for (route, method), names in _schema_fields().items():
        _merge(pages.setdefault((route, method), {}), {name: Field() for name in names})
    posted = {(ROUTES[matrix.route_key(k)].route.replace("^", ""), t.method) for k, t in targets.items()}
    for key, target in targets.items():
        route = ROUTES[matrix.route_key(key)].route.replace("^", "")
        _merge(target.fields, pages.get((route, target.method), {}))
        if target.method == "GET" and not target.api:
            _merge(target.fields, {name: Field() for name in COMMON_QUERY})
            if (route, "POST") in pages and (route, "POST") not in posted:
                target.form_post = Target(key=f"{key} (its form)", method="POST", api=False, urls=target.urls,
                                          allowed=target.allowed, fields=dict(pages[(route, "POST")]))
                target.form_post.fields.pop("csrfmiddlewaretoken", None)
        entry = entries[key]
        _merge(target.fields, {k: Field(values=[str(v)]) for k, v in build_data(entry, world.objects[
            next(s for s in ("own_scope", "no_object", "other_dept") if s in entry.statuses)]).items()})
        target.fields.pop("csrfmiddlewaretoken", None)
    return targets


# --- the module's world, built once -------------------------------------------------------------------------


@dataclass
class Sweep:
    targets: dict
    sessions: dict
    failures: dict  # key -> a 5xx met while reading its page for the discovery
    tried: dict = field(default_factory=lambda: defaultdict(int))
    statuses: dict = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0


@pytest.fixture(scope="module")
def sweep(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("junk-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            sessions = {}
            for role, user in world.users.items():
                if user is not None:
                    login = Client()
                    login.force_login(user)
                    sessions[role] = login.cookies[django_settings.SESSION_COOKIE_NAME].value
            failures = {}
            yield Sweep(targets=discover(world, sessions, failures), sessions=sessions, failures=failures)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def _django_db_helper(sweep, django_db_blocker):
    """Each test in a savepoint of the module's transaction (as in test_url_matrix.py)."""
    with savepoint_rolled_back(django_db_blocker):
        yield


# --- the property -------------------------------------------------------------------------------------------


def _value_strategy(found: Field, api: bool):
    if found.file and not api:
        return junk_file
    junk = junk_json if api else junk_text
    if found.multiple and not api:
        junk = st.lists(junk_text, max_size=3)
    # Half the time what the page offered (so the other fields' junk reaches the service), half junk.
    return st.one_of(st.sampled_from(found.values[:5]), junk) if found.values else junk


def _request(sweep: Sweep, target: Target, role: str, values: dict):
    url, body = target.urls[role]
    client = Client()  # a fresh one: a cookie set by one example (language) must not reach the next
    if role in sweep.sessions:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = sweep.sessions[role]
    sent = {name: value for name, value in values.items() if value is not None}
    if target.method == "GET":
        query = {k: v for k, v in sent.items()}
        return client.get(url, query)
    data = {**body, **sent}
    if target.api:
        method = client.put if target.method == "PUT" else client.post
        return method(url, data=json.dumps(data, default=str), content_type="application/json")
    files = {k: SimpleUploadedFile(v[0], v[1]) for k, v in data.items() if isinstance(v, tuple)}
    form = {k: v for k, v in data.items() if not isinstance(v, tuple)}
    return client.post(url, {**form, **files})


KEYS = sorted(matrix.TABLE)


def _sweep_one(sweep: Sweep, target: Target, role: str, values) -> None:
    examples = EXAMPLES_ALLOWED if role in target.allowed else EXAMPLES_DENIED

    @settings(max_examples=examples, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(values=values)
    def attempt(values):
        note(f"{role} {target.method} {target.urls[role][0]} {values!r}")  # shown for a failing example
        sweep.tried[target.key] += 1
        try:
            with transaction.atomic():
                response = _request(sweep, target, role, values)
                transaction.set_rollback(True)
        except Exception:
            sweep.statuses["exception"] += 1  # a view raised: the client re-raises it (a 500)
            raise
        sweep.statuses[response.status_code // 100 * 100] += 1
        assert response.status_code < 500, f"{role} {target.method} {target.urls[role][0]} {values!r}"

    attempt()


@pytest.mark.parametrize("key", KEYS)
def test_junk_in_any_parameter_never_gets_a_server_error(sweep, key):
    assert key not in sweep.failures, sweep.failures.get(key)
    started = time.monotonic()
    for target in filter(None, (sweep.targets[key], sweep.targets[key].form_post)):
        values = st.fixed_dictionaries({}, optional={name: _value_strategy(found, target.api)
                                                     for name, found in target.fields.items()})
        for role in target.urls:
            _sweep_one(sweep, target, role, values)
    sweep.seconds += time.monotonic() - started


def test_the_sweep_reached_every_route_and_found_their_parameters(sweep):
    """Runs last: the figures of the sweep (docs/reliability.md quotes them), and a guard that it
    tried what it says — every route, as every actor, most with parameters found on their pages."""
    missing = [key for key in KEYS if not sweep.tried.get(key)]
    targets = [t for key in KEYS for t in (sweep.targets[key], sweep.targets[key].form_post) if t]
    parameters = sum(len(t.fields) for t in targets)
    with_parameters = sum(1 for t in targets if t.fields)
    figures = {"routes": len(KEYS), "page_forms_posted": len(targets) - len(KEYS), "parameters": parameters,
               "routes_with_parameters": with_parameters,
               "cases": sum(sweep.tried.values()), "by_status_class": {str(k): v for k, v in sweep.statuses.items()},
               "server_errors": sweep.statuses.get(500, 0) + sweep.statuses.get("exception", 0), "seconds": round(sweep.seconds, 1),
               "examples_per_allowed_role": EXAMPLES_ALLOWED}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    print(f"\njunk sweep: {figures}")
    if missing == KEYS:
        pytest.skip("run with the sweep (the whole module) to get its figures")
    assert missing == []
    # The discovery read the pages: the reports know ?month=/?year=, the violation form its points.
    assert "month" in sweep.targets["reports:dashboard"].fields
    assert "year" in sweep.targets["reports:violations"].fields
    assert "points" in sweep.targets["reports:violation_action"].fields
    assert "department" in sweep.targets["people"].fields
    assert "document_date" in sweep.targets["documents:incoming_create"].form_post.fields
    assert "opened_on" in sweep.targets["dossiers:open"].form_post.fields
    assert with_parameters > len(KEYS) // 2

