"""The URL × role × scope matrix: every pattern of the URL conf, and what each role gets.

`url_patterns()` walks `get_resolver().url_patterns` (namespaces, includes, the DRF routers with
their format-suffix variants, the admin site, i18n, health, the API schema and docs) and gives
each pattern a key: its namespaced name, `[format]` appended for a format-suffix variant, or the
route itself for an unnamed pattern. `TABLE` maps every key to an `Expect`: the method, how to
fill the URL's arguments from the test world, and the status each role gets per object scope.
tests/recordsportal/test_url_matrix.py fails when a pattern has no entry here (a new endpoint
must be decided) or an entry names a pattern that no longer exists.

Statuses, per actor in the order `ACTORS` (officer, head, clerk, leader, admin); the anonymous
visitor's status is implied by the kind of entry (`page`: 302 to the login page; `api`: 403,
since the API authenticates by session only and DRF answers 403 without a WWW-Authenticate
scheme; `public`: given explicitly):

    200, 201, 204  success          302  redirect somewhere else than the login page (an action
    302L  redirect to the login      page that ran — or refused with a message — and went back)
    400  refused input               403  the role lacks the function    404  out of scope, like
    405  method not allowed                                                    a missing object

Scopes: `no_object` (the URL names no object), `own_scope` (objects of department A, kept by
officer_a, so every actor may see them), `other_dept` (the same objects of department B, kept by
officer_b: out of scope for officer_a and head_a), `confidential` (a secret document of
department A naming only officer_a2: seen by officer_a2 and the agency-wide roles only, and
officer_a2's dossier holding it, which his head opens too; that scope adds the actor `officer2`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

ACTORS = ("officer", "head", "clerk", "leader", "admin")
CONFIDENTIAL_ACTORS = ("officer", "officer2", "head", "clerk", "leader", "admin")
SCOPES = ("no_object", "own_scope", "other_dept", "confidential")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
STATUS_TOKENS = {"200", "201", "204", "302", "302L", "400", "403", "404", "405"}


# --- the URL conf ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str
    route: str  # the full pattern, as Django's ResolverMatch.route spells it
    name: str | None  # the namespaced name, for reverse()
    params: tuple[str, ...]


def _param_names(pattern) -> tuple[str, ...]:
    regex = pattern.pattern.regex
    return tuple(regex.groupindex) or (("*",) * regex.groups if regex.groups else ())


def url_patterns(patterns=None, prefix="", namespace=None, params=()) -> list[Route]:
    """Every leaf pattern of the URL conf, with a unique key (a duplicate key is an error: two
    patterns must not hide behind one row of the table)."""
    top = patterns is None
    if top:
        patterns = get_resolver().url_patterns
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            routes += url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns,
                                   params + _param_names(pattern))
        elif isinstance(pattern, URLPattern):
            names = params + _param_names(pattern)
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            key = name or route
            if name and "format" in names:
                key += "[format]"
            routes.append(Route(key=key, route=route, name=name, params=names))
    if top:
        keys = [r.key for r in routes]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        assert not duplicates, f"URL patterns sharing one key: {duplicates}"
    return routes


def route_key(key: str) -> str:
    """The pattern a row is about: `dossier-items POST` is a second method of `dossier-items`."""
    return key.split(" ", 1)[0]


def coverage_gaps(routes, table) -> tuple[list[str], list[str]]:
    """(patterns without an entry, entries without a pattern)."""
    keys = {r.key for r in routes}
    rows = set(table)
    return sorted(keys - rows), sorted(row for row in rows if route_key(row) not in keys)


# --- expectations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    method: str
    kwargs: dict  # URL argument -> world object name, or "=literal"
    statuses: dict  # scope -> {role: token}
    query: str = ""
    data: dict = field(default_factory=dict)  # request body; "@name" is a world object's pk
    args: tuple = ()  # positional URL arguments (regex groups without names), as kwargs values
    route: str = ""  # for unnamed patterns: the URL, with {name} filled from the world
    api: bool = False


def _row(spec: str, actors=ACTORS) -> dict:
    tokens = spec.split()
    assert len(tokens) == len(actors), f"{spec!r}: one status per actor {actors}"
    assert set(tokens) <= STATUS_TOKENS, spec
    return dict(zip(actors, tokens))


def _names_objects(kwargs, args, route, data=None) -> bool:
    """Whether the URL or the body names an object of the world (else the only scope is
    `no_object`)."""
    values = [*(kwargs or {}).values(), *args]
    return (any(not str(v).startswith("=") for v in values) or bool(PLACEHOLDER.search(route))
            or any(str(v).startswith("@") for v in (data or {}).values()))


def _entry(anonymous: str, method: str, kwargs, *, own=None, other=None, none=None, confidential=None,
           anonymous_other=None, **options) -> Expect:
    statuses = {}
    if none is not None:
        statuses["no_object"] = {"anonymous": anonymous, **_row(none)}
    if own is not None:
        statuses["own_scope"] = {"anonymous": anonymous, **_row(own)}
    if other is not None:
        statuses["other_dept"] = {"anonymous": anonymous_other or anonymous, **_row(other)}
    if confidential is not None:
        statuses["confidential"] = {"anonymous": anonymous, **_row(confidential, CONFIDENTIAL_ACTORS)}
    names_objects = _names_objects(kwargs, options.get("args", ()), options.get("route", ""), options.get("data"))
    assert statuses and names_objects != ("no_object" in statuses), (kwargs, statuses)
    return Expect(method=method, kwargs=dict(kwargs or {}), statuses=statuses, **options)


def page(kwargs=None, method="GET", **scopes) -> Expect:
    """A page behind the login: the anonymous visitor is sent to the login page."""
    return _entry("302L", method, kwargs, **scopes)


def post(kwargs=None, **scopes) -> Expect:
    return page(kwargs, method="POST", **scopes)


def api(kwargs=None, method="GET", **scopes) -> Expect:
    return _entry("403", method, kwargs, api=True, **scopes)


def public(anonymous, kwargs=None, method="GET", **scopes) -> Expect:
    return _entry(anonymous, method, kwargs, **scopes)


ALL = "200 200 200 200 200"
SCOPED = "404 404 200 200 200"  # another department's object: agency-wide roles only
ACTION_OWN = "302 302 302 302 302"  # a POST that ran or was refused with a message, then redirected
ACTION_OTHER = "404 404 302 302 302"
OFFICE_ONLY = "403 403 200 403 403"
ADMIN_ONLY = "403 403 403 403 200"
BOOK = "403 403 200 200 200"  # Office, leadership, administrator
HEADS_UP = "403 200 200 200 200"  # the backlog section: heads and the agency-wide roles
DOSSIER_OF_OFFICER2 = "404 200 200 200 200 200"  # in CONFIDENTIAL_ACTORS order: not officer_a's dossier
DOC = {"pk": "document"}
DOSSIER = {"pk": "dossier"}
PLAN = {"pk": "plan"}
BATCH = {"pk": "batch"}
RETENTION = {"pk": "retention"}
CAMPAIGN = {"pk": "campaign"}
INVENTORY = {"pk": "inventory"}
IMPORT = {"pk": "register_import"}
BOOK_QUERY = "direction=incoming&year=2026&month=3"

TABLE: dict[str, Expect] = {
    # --- recordsportal: home, people, staff pages, accounts, i18n, health -------------------------
    "home": page(none=ALL),
    "people": page(none=HEADS_UP),
    "staff:index": page(none=ADMIN_ONLY),
    "staff:agency": page(none=ADMIN_ONLY),
    "staff:departments": page(none=ADMIN_ONLY),
    "staff:department_create": page(none=ADMIN_ONLY),
    "staff:department_update": page({"pk": "department"}, own=ADMIN_ONLY, other=ADMIN_ONLY),
    "staff:users": page(none=ADMIN_ONLY),
    "staff:user_create": page(none=ADMIN_ONLY),
    "staff:user_update": page({"pk": "officer_user"}, own=ADMIN_ONLY, other=ADMIN_ONLY),
    # Already signed in: the login page sends one home.
    "login": public("200", none="302 302 302 302 302"),
    # Logging out is a POST (Django 5); it ends the session and goes back to the login page.
    "logout": public("302L", method="POST", none="302L 302L 302L 302L 302L"),
    "password_change": page(none=ALL),
    "password_change_done": page(none=ALL),
    "set_language": public("302", method="POST", none=ACTION_OWN, data={"language": "en", "next": "/"}),
    "health": public("200", none=ALL),
    # An export written by a Celery task (recordsportal/exports.py): the world's job is officer A's
    # (own scope) or officer B's (other department), done; nobody else sees or downloads it. Running
    # a finished job again is refused with a message.
    "exports:detail": page({"pk": "export_job"}, own="200 404 404 404 404", other="404 404 404 404 404"),
    "exports:download": page({"pk": "export_job"}, own="200 404 404 404 404", other="404 404 404 404 404"),
    "exports:retry": post({"pk": "export_job"}, own="302 404 404 404 404", other="404 404 404 404 404"),
    # --- documents ---------------------------------------------------------------------------------
    "documents:list": page(none=ALL),
    "documents:to_handle": page(none=ALL),
    "documents:trash": page(none=OFFICE_ONLY),
    "documents:unevidenced": page(none=OFFICE_ONLY),
    "documents:unevidenced POST": post(none=OFFICE_ONLY, data={"since": ""}),  # no date: the form again
    "documents:incoming_create": page(none=OFFICE_ONLY),
    "documents:outgoing_create": page(none=OFFICE_ONLY),
    "documents:internal_create": page(none=ALL),
    "documents:detail": page(DOC, own=ALL, other=SCOPED, confidential="404 200 404 200 200 200"),
    "documents:submit": post(DOC, own=ACTION_OWN, other=ACTION_OTHER),
    "documents:assign": post(DOC, own=ACTION_OWN, other=ACTION_OTHER),
    "documents:progress": post(DOC, own=ACTION_OWN, other=ACTION_OTHER),
    "documents:complete": post(DOC, own=ACTION_OWN, other=ACTION_OTHER),
    "documents:attach": post(DOC, own=ACTION_OWN, other=ACTION_OTHER),
    "documents:attachment": page({"pk": "document", "attachment_pk": "attachment"}, own=ALL, other=SCOPED,
                                 confidential="404 200 404 200 200 200"),
    "documents:delete": post(DOC, own="403 403 302 403 403", other="403 403 302 403 403"),
    "documents:restore": post(DOC, own="403 403 302 403 403", other="403 403 302 403 403"),
    # --- the handling chain (issue 15) -------------------------------------------------------------
    # Leadership's inbox; a head's inbox (empty for anyone who leads no department); deadlines in scope.
    "documents:leadership_inbox": page(none="403 403 403 200 403"),
    "documents:department_inbox": page(none=ALL),
    "documents:deadlines": page(none=ALL),
    "documents:officer_options": page(none=ALL, query="department=1"),
    # The inbox rows' forms (htmx): the document in scope first (404), then the role may act (403).
    # The world's document is assigned to department A: its head dispatches, a leader reassigns.
    "documents:assign_panel": page(DOC, own="403 403 403 200 403", other="404 404 403 200 403",
                                   confidential="404 403 404 403 200 403"),
    "documents:dispatch_panel": page(DOC, own="403 200 403 403 403", other="404 404 403 403 403",
                                     confidential="404 403 404 403 403 403"),
    # Posted empty: refused with a message (no officer, no reason, not an internal document).
    "documents:dispatch": post(DOC, own=ACTION_OWN, other=ACTION_OTHER),
    "documents:send_back": post(DOC, own=ACTION_OWN, other=ACTION_OTHER),
    "documents:acknowledge": post(DOC, own=ACTION_OWN, other=ACTION_OTHER),
    # --- notifications: one's own only; anyone else's is a 404 -------------------------------------
    "notifications:list": page(none=ALL),
    "notifications:preferences": page(none=ALL),
    "notifications:read_all": post(none=ACTION_OWN),
    # own_scope: officer A's notification; other_dept: officer B's.
    "notifications:open": page({"pk": "notification"}, own="302 404 404 404 404", other="404 404 404 404 404"),
    "notifications:read": post({"pk": "notification"}, own="302 404 404 404 404", other="404 404 404 404 404"),
    "documents:export_xlsx": page(none=ALL),
    "documents:register_book": page(none=BOOK, query=BOOK_QUERY),
    "documents:register_book_xlsx": page(none=BOOK, query=BOOK_QUERY),
    "documents:register_book_pdf": page(none=BOOK, query=BOOK_QUERY),
    "documents:import_upload": page(none=OFFICE_ONLY),
    # The template workbook of a register to import (issue 17): the Office's, like the import.
    "documents:import_template": page({"direction": "=incoming"}, none=OFFICE_ONLY),
    # Imports are the Office's agency-wide work: no department owns one.
    "documents:import_mapping": page(IMPORT, own=OFFICE_ONLY),
    "documents:import_preview": page(IMPORT, own=OFFICE_ONLY),
    "documents:import_confirm": post(IMPORT, own="403 403 302 403 403"),
    # Checking a pending import again (a dry run, or a run whose worker died): the Office only.
    "documents:import_run": post(IMPORT, own="403 403 302 403 403"),
    # Deleting a pending import (its row and stored file): the Office only.
    "documents:import_delete": post(IMPORT, own="403 403 302 403 403"),
    # --- dossiers ----------------------------------------------------------------------------------
    "dossiers:mine": page(none=ALL),
    "dossiers:list": page(none=ALL),
    "dossiers:trash": page(none=OFFICE_ONLY),
    "dossiers:open": page(none=ALL),
    # Only a head hands over; everyone else is sent back to the list.
    "dossiers:hand_over": page(none="302 200 302 302 302"),
    # confidential: officer_a2's dossier holding the secret document; his head opens the dossier
    # (the document inside it is shown to him as "Văn bản mật", test_url_matrix.py's sweep).
    "dossiers:detail": page(DOSSIER, own=ALL, other=SCOPED, confidential=DOSSIER_OF_OFFICER2),
    "dossiers:edit": post(DOSSIER, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:add_document": post(DOSSIER, own=ACTION_OWN, other=ACTION_OTHER, data={"document": "@document"}),
    "dossiers:document_search": page(DOSSIER, own=ALL, other=SCOPED, query="q=van"),
    "dossiers:add_file": post(DOSSIER, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:add_paper": post(DOSSIER, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:move_item": post({"pk": "dossier", "item_pk": "item"}, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:remove_item": post({"pk": "dossier", "item_pk": "item"}, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:download_item": page({"pk": "dossier", "item_pk": "item"}, own=ALL, other=SCOPED),
    "dossiers:close": post(DOSSIER, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:reopen": post(DOSSIER, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:delete": post(DOSSIER, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:restore": post(DOSSIER, own="403 403 302 403 403", other="403 403 302 403 403"),
    "dossiers:plans": page(none=ALL),
    # An officer reads their own department's plan (they open dossiers from it).
    "dossiers:plan_detail": page(PLAN, own=ALL, other=SCOPED),
    "dossiers:heading_add": post(PLAN, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:entry_add": post(PLAN, own=ACTION_OWN, other=ACTION_OTHER),
    # Correcting and deleting a plan's entries and headings (issue 17): the page is seen by whoever
    # sees the plan (the form only by its editors); the actions come back with a message.
    "dossiers:entry_edit": page({"pk": "plan", "entry_pk": "plan_entry"}, own=ALL, other=SCOPED),
    "dossiers:entry_delete": post({"pk": "plan", "entry_pk": "plan_entry"}, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:heading_edit": page({"pk": "plan", "heading_pk": "plan_heading"}, own=ALL, other=SCOPED),
    "dossiers:heading_delete": post({"pk": "plan", "heading_pk": "plan_heading"}, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:plan_export": page(PLAN, own=ALL, other=SCOPED),
    "dossiers:plan_import": post(PLAN, own=ACTION_OWN, other=ACTION_OTHER),
    # An import's progress page is read like its plan; running it again is the plan editors' (a
    # finished import is refused with a message).
    "dossiers:plan_import_status": page({"pk": "plan", "import_pk": "plan_import"}, own=ALL, other=SCOPED),
    "dossiers:plan_import_retry": post({"pk": "plan", "import_pk": "plan_import"}, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:plan_copy": post(PLAN, own=ACTION_OWN, other=ACTION_OTHER),
    "dossiers:batches": page(none=ALL),
    # The department is named in the body: its head (or the Office) creates a batch; another
    # department's head is refused by the service (the test checks no batch appears).
    "dossiers:batch_create": post(own=ACTION_OWN, other=ACTION_OWN, data={"department": "@department"}),
    # Submission batches and retention lists are the head's: an officer sees none of them.
    "dossiers:batch_detail": page(BATCH, own="404 200 200 200 200", other=SCOPED),
    "dossiers:batch_add": post(BATCH, own="404 302 302 302 302", other=ACTION_OTHER, data={"dossiers": "@dossier"}),
    "dossiers:batch_remove": post(BATCH, own="404 302 302 302 302", other=ACTION_OTHER, data={"dossier": "@dossier"}),
    "dossiers:batch_submit": post(BATCH, own="404 302 302 302 302", other=ACTION_OTHER),
    "dossiers:batch_receive": post(BATCH, own="404 302 302 302 302", other=ACTION_OTHER),
    "dossiers:batch_document": page({"pk": "batch", "document": "=inventory", "fmt": "=xlsx"},
                                    own="404 200 200 200 200", other=SCOPED),
    "dossiers:retention": page(none=ALL),
    "dossiers:retention_create": post(own=ACTION_OWN, other=ACTION_OWN, data={"department": "@department"}),
    "dossiers:retention_detail": page(RETENTION, own="404 200 200 200 200", other=SCOPED),
    # The list printed for signatures (issue 17): whoever sees the list.
    "dossiers:retention_pdf": page(RETENTION, own="404 200 200 200 200", other=SCOPED),
    "dossiers:retention_line_add": post(RETENTION, own="404 302 302 302 302", other=ACTION_OTHER),
    "dossiers:retention_line_remove": post({"pk": "retention", "line_pk": "retention_line"},
                                           own="404 302 302 302 302", other=ACTION_OTHER),
    "dossiers:retention_line_decide": post({"pk": "retention", "line_pk": "retention_line"},
                                           own="404 302 302 302 302", other=ACTION_OTHER),
    "dossiers:retention_submit": post(RETENTION, own="404 302 302 302 302", other=ACTION_OTHER),
    # --- backlog: heads and the agency-wide roles; an officer has no part in it --------------------
    "backlog:index": page(none=HEADS_UP),
    "backlog:campaign_create": page(none="403 403 200 403 200"),
    # own_scope: a campaign including department A; other_dept: one including only department B.
    "backlog:campaign": page(CAMPAIGN, own=HEADS_UP, other="403 404 200 200 200"),
    # Correcting an open campaign (issue 17): the Office's, like opening and closing it.
    "backlog:campaign_edit": page(CAMPAIGN, own="403 403 200 403 200", other="403 403 200 403 200"),
    "backlog:campaign_close": post(CAMPAIGN, own="403 403 302 403 302", other="403 403 302 403 302"),
    "backlog:campaign_remind": post(CAMPAIGN, own="403 403 302 403 302", other="403 403 302 403 302"),
    "backlog:plan": page(CAMPAIGN, own=BOOK, other=BOOK),
    "backlog:plan_xlsx": page(CAMPAIGN, own=BOOK, other=BOOK),
    "backlog:plan_pdf": page(CAMPAIGN, own=BOOK, other=BOOK),
    "backlog:inventory": page(INVENTORY, own=HEADS_UP, other="403 404 200 200 200"),
    "backlog:inventory_template": page(INVENTORY, own=HEADS_UP, other="403 404 200 200 200"),
    # Filling an inventory is its department head's alone; the Office reviews but does not fill.
    "backlog:inventory_upload": post(INVENTORY, own="403 400 404 404 404", other="403 404 404 404 404"),
    # The inventory import's progress page (the world's import was refused: "Chạy lại" is refused
    # with a message); running it again needs the head's write scope, as the upload does.
    "backlog:inventory_import": page({"pk": "inventory", "import_pk": "inventory_import"}, own=HEADS_UP,
                                     other="403 404 200 200 200"),
    "backlog:inventory_import_retry": post({"pk": "inventory", "import_pk": "inventory_import"},
                                           own="403 302 404 404 404", other="403 404 404 404 404"),
    "backlog:inventory_submit": post(INVENTORY, own="403 302 404 404 404", other="403 404 404 404 404"),
    "backlog:inventory_return": post(INVENTORY, own="403 403 400 403 400", other="403 403 400 403 400"),
    "backlog:inventory_accept": post(INVENTORY, own="403 403 302 403 302", other="403 403 302 403 302"),
    # --- reports -----------------------------------------------------------------------------------
    "reports:dashboard": page(none=ALL),
    # A department's figures: its head and the agency-wide roles; an officer has their own only.
    "reports:department": page({"pk": "department"}, own="404 200 200 200 200", other=SCOPED),
    "reports:monthly_pdf": page(none=BOOK),
    "reports:monthly_xlsx": page(none=BOOK),
    "reports:violations": page(none=ALL),
    "reports:violation": page({"pk": "violation"}, own=ALL, other=SCOPED),
    "reports:violation_action": post({"pk": "violation", "action": "=notify"}, own=ACTION_OWN, other=ACTION_OTHER),
    "reports:deduction_table": page(none=BOOK),
    # Posted empty: the Office gets the form back with its errors; reading is not editing.
    "reports:deduction_table POST": post(none="403 403 200 403 403"),
    # The agency journal (who changed what, when) and its export: the agency-wide roles.
    "reports:journal": page(none=BOOK),
    "reports:journal_xlsx": page(none=BOOK),
    "reports:violations_pdf": page(none=BOOK),
    "reports:violations_xlsx": page(none=BOOK),
    "reports:emulation_pdf": page(none=BOOK),
    "reports:emulation_xlsx": page(none=BOOK),
    # Months that close: the Office closes, recomputes, accepts or discards (nothing pending here:
    # refused with a message, then back to the month's page).
    "reports:months": page(none=BOOK),
    "reports:month": page({"month": "=2026-03"}, none=BOOK),
    "reports:month_action": post({"month": "=2026-03", "action": "=discard"}, none="403 403 302 403 403"),
    # --- JSON API --------------------------------------------------------------------------------------
    "api-root": api(none=ALL),
    "api-root[format]": api({"format": "=json"}, none=ALL),
    "api-me": api(none=ALL),
    # Departments are not secret: everyone picks recipients from the tree.
    "department-list": api(none=ALL),
    "department-list[format]": api({"format": "=json"}, none=ALL),
    "department-detail": api({"pk": "department"}, own=ALL, other=ALL),
    "department-detail[format]": api({"pk": "department", "format": "=json"}, own=ALL, other=ALL),
    "user-list": api(none=ALL),
    "user-list[format]": api({"format": "=json"}, none=ALL),
    "user-detail": api({"pk": "officer_user"}, own=ALL, other=SCOPED),
    "user-detail[format]": api({"pk": "officer_user", "format": "=json"}, own=ALL, other=SCOPED),
    "document-list": api(none=ALL),
    "document-detail": api(DOC, own=ALL, other=SCOPED, confidential="404 200 404 200 200 200"),
    "document-assign": api(DOC, method="POST", own="400 400 400 400 400", other="404 404 400 400 400"),
    # The lead officer (or the head of the lead department) completes it; the others are refused.
    "document-complete": api(DOC, method="POST", own="200 200 400 400 400", other="404 404 400 400 400"),
    # Posted empty, every step of the chain is refused (400) where the document is in scope: the
    # body lacks the officer, the reason or the text, or the step does not apply.
    "document-submit": api(DOC, method="POST", own="400 400 400 400 400", other="404 404 400 400 400"),
    "document-dispatch": api(DOC, method="POST", own="400 400 400 400 400", other="404 404 400 400 400"),
    "document-acknowledge": api(DOC, method="POST", own="400 400 400 400 400", other="404 404 400 400 400"),
    "document-return": api(DOC, method="POST", own="400 400 400 400 400", other="404 404 400 400 400"),
    "document-progress": api(DOC, method="POST", own="400 400 400 400 400", other="404 404 400 400 400"),
    "document-outgoing": api(method="POST", none="400 400 400 400 400"),
    "document-internal": api(method="POST", none="400 400 400 400 400"),
    "notification-list": api(none=ALL),
    "notification-read-all": api(method="POST", none=ALL),
    "notification-detail": api({"pk": "notification"}, own="200 404 404 404 404", other="404 404 404 404 404"),
    "notification-read": api({"pk": "notification"}, method="POST", own="200 404 404 404 404",
                             other="404 404 404 404 404"),
    "dossier-list": api(none=ALL),
    "dossier-detail": api(DOSSIER, own=ALL, other=SCOPED, confidential=DOSSIER_OF_OFFICER2),
    "dossier-close": api(DOSSIER, method="POST", own="400 400 400 400 400", other="404 404 400 400 400"),
    "dossier-items": api(DOSSIER, own=ALL, other=SCOPED, confidential=DOSSIER_OF_OFFICER2),
    "file-plan-list": api(none=ALL),
    "file-plan-detail": api(PLAN, own=ALL, other=SCOPED),
    "backlog-campaign-list": api(none=ALL),
    "backlog-campaign-list[format]": api({"format": "=json"}, none=ALL),
    "backlog-campaign-detail": api(CAMPAIGN, own="404 200 200 200 200", other="404 404 200 200 200"),
    "backlog-campaign-detail[format]": api({"pk": "campaign", "format": "=json"},
                                           own="404 200 200 200 200", other="404 404 200 200 200"),
    "backlog-campaign-close": api(CAMPAIGN, method="POST", own="404 400 200 400 200", other="404 404 200 400 200"),
    "backlog-campaign-close[format]": api({"pk": "campaign", "format": "=json"}, method="POST",
                                          own="404 400 200 400 200", other="404 404 200 400 200"),
    "backlog-inventory-list": api(none=ALL),
    "backlog-inventory-list[format]": api({"format": "=json"}, none=ALL),
    "backlog-inventory-detail": api(INVENTORY, own="404 200 200 200 200", other=SCOPED),
    "backlog-inventory-detail[format]": api({"pk": "inventory", "format": "=json"},
                                            own="404 200 200 200 200", other=SCOPED),
    "backlog-inventory-accept": api(INVENTORY, method="POST", own="404 400 400 400 400", other="404 404 400 400 400"),
    "backlog-inventory-accept[format]": api({"pk": "inventory", "format": "=json"}, method="POST",
                                            own="404 400 400 400 400", other="404 404 400 400 400"),
    "backlog-inventory-replace-lines": api(INVENTORY, method="PUT", own="404 400 404 404 404",
                                           other="404 404 404 404 404"),
    "backlog-inventory-replace-lines[format]": api({"pk": "inventory", "format": "=json"}, method="PUT",
                                                   own="404 400 404 404 404", other="404 404 404 404 404"),
    "backlog-inventory-return-": api(INVENTORY, method="POST", own="404 400 400 400 400", other="404 404 400 400 400"),
    "backlog-inventory-return-[format]": api({"pk": "inventory", "format": "=json"}, method="POST",
                                             own="404 400 400 400 400", other="404 404 400 400 400"),
    "backlog-inventory-submit": api(INVENTORY, method="POST", own="404 200 404 404 404", other="404 404 404 404 404"),
    "backlog-inventory-submit[format]": api({"pk": "inventory", "format": "=json"}, method="POST",
                                            own="404 200 404 404 404", other="404 404 404 404 404"),
    "backlog-line-list": api(none=ALL),
    "backlog-line-list[format]": api({"format": "=json"}, none=ALL),
    "backlog-line-detail": api({"pk": "inventory_line"}, own="404 200 200 200 200", other=SCOPED),
    "backlog-line-detail[format]": api({"pk": "inventory_line", "format": "=json"},
                                       own="404 200 200 200 200", other=SCOPED),
    "api-compliance": api(none=ALL),
    "violation-list": api(none=ALL),
    "violation-detail": api({"pk": "violation"}, own=ALL, other=SCOPED),
    "violation-records": api({"pk": "violation"}, own=ALL, other=SCOPED),
    "violation-confirm": api({"pk": "violation"}, method="POST", own="400 400 200 400 400", other="404 404 200 400 400"),
    "violation-correct": api({"pk": "violation"}, method="POST", own="400 400 200 400 400", other="404 404 200 400 400"),
    "violation-decide": api({"pk": "violation"}, method="POST", own="400 400 400 400 400", other="404 404 400 400 400"),
    "violation-dismiss": api({"pk": "violation"}, method="POST", own="400 400 400 400 400", other="404 404 400 400 400"),
    "api-month": api({"month": "=2026-03"}, none=ALL),
    "api-month-diff": api({"month": "=2026-03"}, none=BOOK),
    # Only the Office closes a month (March 2026 has ended); nothing is pending to accept or discard.
    "api-month-close": api({"month": "=2026-03"}, method="POST", none="400 400 200 400 400"),
    "api-month-accept": api({"month": "=2026-03"}, method="POST", none="400 400 400 400 400"),
    "api-month-discard": api({"month": "=2026-03"}, method="POST", none="400 400 400 400 400"),
    # --- second methods of the same URLs: writes that name an object ------------------------------
    # Registering an incoming document is the Office's (the service refuses anyone else: 400).
    "document-list POST": api(method="POST", none="400 400 201 400 400", data={
        "number_symbol": "77/UBND-KT", "issuer": "UBND tỉnh", "summary": "Về việc thử ma trận quyền",
        "document_date": "2026-03-02"}),
    # Adding a paper record: the keeper or their head; another department's dossier is a 404.
    "dossier-items POST": api(DOSSIER, method="POST", own="201 201 400 400 400", other="404 404 400 400 400",
                              data={"paper_title": "Biên bản họp (bản giấy)"}),
    # Appending a line names the inventory in the body: only a draft the caller heads is accepted.
    "backlog-line-list POST": api(method="POST", own="400 201 400 400 400", other="400 400 400 400 400", data={
        "inventory": "@inventory", "description": "Hồ sơ thử", "from_year": 2001, "to_year": 2002,
        "shelf_metres": "1.50", "boxes": 10, "estimated_dossiers": 50, "condition": "good"}),
    # Saving the inventory page: its head only (write scope); an empty form is refused as a page.
    "backlog:inventory POST": post(INVENTORY, own="403 400 404 404 404", other="403 404 404 404 404"),
    # The schema and its Swagger page describe the API, no data: served to anyone.
    "api-schema": api(none=ALL),  # signed-in users only (SPECTACULAR_SETTINGS SERVE_PERMISSIONS)
    "api-docs": api(none=ALL),
}

# --- the edXML exchange: the Office's agency-wide work; the directory is the administrator's -------
OFFICE_API = "403 403 200 403 403"
PACKAGE = {"pk": "inbound_package"}
OUTBOUND = {"pk": "outbound_package"}
EXCHANGE_BATCH = {"pk": "receive_batch"}
TABLE.update({
    "exchange:inbox": page(none=OFFICE_ONLY),
    "exchange:batch": page(EXCHANGE_BATCH, own=OFFICE_ONLY, other=OFFICE_ONLY),
    "exchange:batch_progress": page(EXCHANGE_BATCH, own=OFFICE_ONLY, other=OFFICE_ONLY),
    "exchange:package": page(PACKAGE, own=OFFICE_ONLY, other=OFFICE_ONLY),
    # Posted without a reason: refused with a message, and back to the package.
    "exchange:package_refuse": post(PACKAGE, own="403 403 302 403 403", other="403 403 302 403 403"),
    "exchange:package_file": page(PACKAGE, own=OFFICE_ONLY, other=OFFICE_ONLY),
    "exchange:outbox": page(none=OFFICE_ONLY),
    "exchange:outbound_file": page(OUTBOUND, own=OFFICE_ONLY, other=OFFICE_ONLY),
    # The send page of a document (the world's is incoming: the page lists why it cannot be sent).
    "exchange:send": page(DOC, own=OFFICE_ONLY, other=OFFICE_ONLY),
    "exchange:organisations": page(none=ADMIN_ONLY),
    "exchange:organisation_create": page(none=ADMIN_ONLY),
    "exchange:organisation_update": page({"pk": "organisation"}, own=ADMIN_ONLY, other=ADMIN_ONLY),
    "exchange-package-list": api(none=OFFICE_API),
    # Receiving without a file: refused input for the Office, the function denied to the others.
    "exchange-package-list POST": api(method="POST", none="403 403 400 403 403"),
    "exchange-package-detail": api(PACKAGE, own=OFFICE_API, other=OFFICE_API),
    # Registering the world's pending package works for the Office (rolled back after the case).
    "exchange-package-register": api(PACKAGE, method="POST", own="403 403 201 403 403", other="403 403 201 403 403"),
    "exchange-package-refuse": api(PACKAGE, method="POST", own="403 403 400 403 403", other="403 403 400 403 403"),
    "exchange-outbox-list": api(none=OFFICE_API),
    "exchange-outbox-detail": api(OUTBOUND, own=OFFICE_API, other=OFFICE_API),
    "exchange-outbox-file": api(OUTBOUND, own=OFFICE_API, other=OFFICE_API),
    "exchange-outbox-acknowledge": api(OUTBOUND, method="POST", own=OFFICE_API, other=OFFICE_API),
    # An incoming document cannot be sent: refused with the reasons.
    "exchange-send": api(DOC, method="POST", own="403 403 400 403 403", other="403 403 400 403 403"),
})


# --- the admin site: every generated URL, by registered model ---------------------------------------

# app_model -> (world object, has django-simple-history's per-version page)
ADMIN_MODELS = {
    "auth_group": ("group", False),
    "axes_accessattempt": ("access_attempt", False),
    "axes_accesslog": ("access_log", False),
    "axes_accessfailurelog": ("access_failure_log", False),
    "recordsportal_agency": ("agency_row", True),
    "recordsportal_department": ("department", True),
    "recordsportal_user": ("officer_user", True),
    "dossiers_fileplan": ("plan", True),
    "dossiers_dossier": ("dossier", True),
    "dossiers_archivebatch": ("batch", True),
    "dossiers_retentionlist": ("retention", True),
    "backlog_campaign": ("campaign", True),
    "backlog_inventory": ("inventory", True),
    "backlog_deadlinemiss": ("deadline_miss", False),
    "documents_trustroot": ("trust_root", False),  # the administrator's trust roots for signed PDFs (issue 14)
    "documents_revocationlist": ("revocation_list", False),  # and the CAs' revocation lists (CRLs), beside them
}
# Non-administrators (signed in or not) are sent to the admin's login page.
ADMIN_DENIED = "302L 302L 302L 302L"
# Rows only the portal writes: the admin shows them but neither adds nor deletes them.
# Dossiers, plans, batches and retention lists change through the portal's services only (their
# admin is read-only).
READ_ONLY_ADMIN = {"dossiers_fileplan", "dossiers_dossier", "dossiers_archivebatch", "dossiers_retentionlist"}
ADMIN_NO_ADD = {"recordsportal_agency", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog",
                *READ_ONLY_ADMIN}
ADMIN_NO_DELETE = {"recordsportal_agency", *READ_ONLY_ADMIN}


def _admin(admin_status: str, kwargs=None, scope="other", **options) -> Expect:
    spec = f"{ADMIN_DENIED} {admin_status}"
    objects = _names_objects(kwargs, options.get("args", ()), options.get("route", ""))
    scopes = {scope: spec} if objects else {"none": spec}
    return _entry("302L", "GET", kwargs, **scopes, **options)


def admin_table() -> dict[str, Expect]:
    table = {
        "admin:index": _admin("200"),
        # A signed-in non-administrator is shown the login page with "not authorised for this
        # page"; the administrator is sent on to the index.
        "admin:login": _entry("200", "GET", None, none="200 200 200 200 302"),
        # Logging out of the admin: the administrator goes to the portal's login page; anyone
        # else is sent back to the admin's index (and from there to its login page).
        "admin:logout": _entry("302", "POST", None, none="302 302 302 302 302L"),
        "admin:password_change": _admin("200"),
        "admin:password_change_done": _admin("200"),
        # Without a field to complete, the autocomplete refuses (it needs app, model and field).
        "admin:autocomplete": _admin("403"),
        "admin:jsi18n": _admin("200"),
        # "View on site": the portal's models have no public page.
        "admin:view_on_site": _admin("404", {"content_type_id": "department_type", "object_id": "department"}),
        "admin:app_list": _admin("200", {"app_label": "=dossiers"}),
        "admin:auth_user_password_change": _admin("200", {"id": "officer_user"}),
        # Anything else under /admin/: the login first, then "not found".
        "admin/(?P<url>.*)$": _admin("404", route="/admin/no-such-page/"),
    }
    for model, (obj, simple_history) in ADMIN_MODELS.items():
        app, _, name = model.partition("_")
        object_id = {"object_id": obj}
        table[f"admin:{model}_changelist"] = _admin("200")
        table[f"admin:{model}_add"] = _admin("403" if model in ADMIN_NO_ADD else "200")
        table[f"admin:{model}_history"] = _admin("200", object_id)
        table[f"admin:{model}_delete"] = _admin("403" if model in ADMIN_NO_DELETE else "200", object_id)
        table[f"admin:{model}_change"] = _admin("200", object_id)
        # The old-style URL of a change page redirects to it.
        table[f"admin/{app}/{name}/<path:object_id>/"] = _admin("302", route=f"/admin/{app}/{name}/{{{obj}}}/")
        if simple_history:
            table[f"admin:{model}_simple_history"] = _admin("200", args=(obj, f"{obj}_history"))
    return table


TABLE.update(admin_table())


def _check_table():
    for key, entry in TABLE.items():
        assert entry.method in {"GET", "POST", "PUT"}, key
        for scope in entry.statuses:
            assert scope in SCOPES, (key, scope)


_check_table()


@dataclass(frozen=True)
class Case:
    key: str
    role: str
    scope: str
    expected: str

    @property
    def id(self) -> str:
        return f"{self.key}-{self.role}-{self.scope}"


def cases(table=None) -> list[Case]:
    table = TABLE if table is None else table
    return [
        Case(key, role, scope, token)
        for key, entry in table.items()
        for scope, by_role in entry.statuses.items()
        for role, token in by_role.items()
    ]

