"""Load test: Office staff, department heads and officers working at once on the bench database.

Run through bench/run_load.py (it prepares the accounts, starts gunicorn on 127.0.0.1 and runs
locust headless, bounded in users and time). By hand:

    LOAD_USERS=bench/out/load-users.json locust -f bench/locustfile.py --headless \
        -u 50 -r 10 -t 2m --host http://127.0.0.1:PORT

Every simulated user logs in once through the real login form with its own account (correct
password only, so django-axes never locks anyone out) and then works through the real pages and
forms, CSRF included. Requests are named by route so the statistics group by page, not by URL.
A write counts as failed unless the page confirms it (redirect to the record, success message).
"""

import itertools
import json
import os
import random
import re
import threading
import time
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "Bench@2026")
THINK = (float(os.environ.get("LOAD_THINK_MIN", "1")), float(os.environ.get("LOAD_THINK_MAX", "4")))

# Search phrases as people type them (no diacritics): common, medium and rare.
COMMON_SEARCHES = ["quyet dinh dau tu", "trien khai", "chuyen doi so", "bao ve moi truong", "ke hoach dau tu cong"]
RARE_SEARCHES = ["vinfast", "son duong", "lng vung ang", "duong tranh quoc lo"]
# Words officers type in a dossier's "add a document" search box.
DOSSIER_SEARCHES = ["trien khai", "de nghi", "bao cao", "dau tu", "thuc hien", "kiem tra"]

_accounts = None
_accounts_lock = threading.Lock()
_cycles: dict[str, itertools.cycle] = {}


def accounts(kind: str) -> dict:
    """The next account of a kind, round robin: 50 simulated users use ~50 distinct people."""
    global _accounts
    with _accounts_lock:
        if _accounts is None:
            with open(os.environ.get("LOAD_USERS", "bench/out/load-users.json"), encoding="utf-8") as f:
                _accounts = json.load(f)
            for name, rows in _accounts.items():
                if isinstance(rows, list):
                    rows = list(rows)
                    random.Random(7).shuffle(rows)
                    _cycles[name] = itertools.cycle(rows)
        return next(_cycles[kind])


class Forms(HTMLParser):
    """The forms of a page: action -> {field: value} as a browser would submit them untouched."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"][a["name"]] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self._form["fields"][a["name"]] = a.get("value") or ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].setdefault(self._select, "")
            self._first_option = True
        elif tag == "option" and self._select:
            if "selected" in a or self._first_option:
                self._form["fields"][self._select] = a.get("value", "")
            self._first_option = False
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    @classmethod
    def of(cls, html: str, action_contains: str = "", field: str = "") -> dict | None:
        """The first form whose action contains `action_contains` and that has `field`."""
        parser = cls()
        parser.feed(html)
        for form in parser.forms:
            if action_contains in form["action"] and (not field or field in form["fields"]):
                return form["fields"]
        return None


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DOCUMENT_LINK = re.compile(r'href="/documents/(\d+)/"')
DOSSIER_LINK = re.compile(r'href="/dossiers/(\d+)/"')


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    kind = ""

    def on_start(self):
        self.account = accounts(self.kind)
        self.client.headers["Accept-Language"] = "vi"
        page = self.client.get("/accounts/login/", name="login (form)")
        token = CSRF.search(page.text)
        with self.client.post(
            "/accounts/login/",
            data={"username": self.account["username"], "password": PASSWORD, "next": "",
                  "csrfmiddlewaretoken": token.group(1) if token else ""},
            name="login (POST)", allow_redirects=False, catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.account['username']} answered {response.status_code}")
            else:
                response.success()

    def page(self, url, name, expect=None):
        """GET a page; fail it unless it is a 200 (and contains `expect`, when given)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}: {response.error or ''}")
            elif expect and expect not in response.text:
                response.failure(f"{url}: '{expect}' missing")
            else:
                response.success()
            return response

    def search(self):
        if random.random() < 0.7:
            q = random.choice(COMMON_SEARCHES)
        else:
            q = random.choice(RARE_SEARCHES)
        self.page(f"/documents/?q={q.replace(' ', '+')}", "documents search")


class OfficeStaff(PortalUser):
    """Văn thư: the dashboard, the registers with filters, search, registering incoming documents."""

    weight = 2
    kind = "office"

    @task(3)
    def dashboard(self):
        self.page("/reports/", "dashboard")

    @task(2)
    def home(self):
        self.page("/", "home")

    @task(6)
    def register_lists(self):
        choices = [
            ("/documents/", "documents list"),
            ("/documents/?direction=incoming", "documents list filtered"),
            ("/documents/?direction=incoming&year=2025&department={dept}", "documents list filtered"),
            ("/documents/?form=paper", "documents list filtered"),
            ("/documents/?overdue=on", "documents list filtered"),
            ("/documents/?sort=-number", "documents list sorted"),
            ("/documents/?direction=outgoing&page={p}", "documents list page N"),
        ]
        url, name = random.choice(choices)
        depts = _accounts["top_departments"]
        self.page(url.format(dept=random.choice(depts), p=random.randint(2, 20)), name)

    @task(3)
    def search_task(self):
        self.search()

    @task(2)
    def register_incoming(self):
        form_page = self.page("/documents/incoming/new/", "incoming form")
        fields = Forms.of(form_page.text, field="number_symbol")
        if fields is None:
            return  # the GET already failed (not a 200) or the form changed: counted there
        stamp = f"{int(time.time() * 1000) % 10**9}{random.randint(0, 999):03d}"
        today = time.strftime("%d/%m/%Y")
        fields.update({
            "arrival_date": today,
            "number_symbol": f"{stamp}/UBND-TT",
            "document_date": today,
            "issuer": "Ủy ban nhân dân tỉnh Hà Tĩnh",
            "summary": f"Về việc triển khai kế hoạch chuyển đổi số (tải thử {stamp})",
            "recipients": "Văn phòng",
            # Without a file an incoming document is paper and needs its reason (issue 14,
            # documents/rules.py incoming_form): a letter the sender sent only on paper.
            "received_medium": "paper",
            "paper_reason": "sender_paper",
        })
        with self.client.post("/documents/incoming/new/", data=fields, name="incoming register (POST)",
                              allow_redirects=False, catch_response=True) as response:
            target = response.headers.get("Location", "")
            if response.status_code == 302 and re.search(r"/documents/\d+/$", target):
                response.success()
            else:
                response.failure(f"register answered {response.status_code} {target or response.text[:200]}")
                return
        self.page(target, "document detail", expect="alert-success")


class DepartmentHead(PortalUser):
    """Trưởng phòng: their department's registers and dossiers, the dashboard drill-down, search."""

    weight = 3
    kind = "heads"

    @task(3)
    def dashboard(self):
        self.page("/reports/", "dashboard")

    @task(2)
    def drill_down(self):
        self.page(f"/reports/departments/{self.account['department']}/", "dashboard department")

    @task(5)
    def lists(self):
        choices = [
            ("/documents/", "documents list"),
            (f"/documents/?department={self.account['department']}&direction=incoming", "documents list filtered"),
            ("/documents/?overdue=on", "documents list filtered"),
            ("/dossiers/all/", "dossiers list"),
            ("/dossiers/all/?due=overdue", "dossiers list"),
        ]
        self.page(*random.choice(choices))

    @task(3)
    def search_task(self):
        self.search()

    @task(1)
    def home(self):
        self.page("/", "home")


class Officer(PortalUser):
    """Cán bộ: my documents, my dossiers; open a dossier, add a document to it, change its title."""

    weight = 5
    kind = "officers"

    @task(3)
    def my_documents(self):
        self.page("/documents/to-handle/", "documents to handle")

    @task(2)
    def visible_documents(self):
        self.page("/documents/", "documents list")

    @task(2)
    def my_dossiers(self):
        self.page("/dossiers/", "my dossiers")

    @task(1)
    def home(self):
        self.page("/", "home")

    def _dossier(self):
        return random.choice(self.account["dossiers"])

    @task(2)
    def edit_title(self):
        pk = self._dossier()
        detail = self.page(f"/dossiers/{pk}/", "dossier detail")
        fields = Forms.of(detail.text, f"/dossiers/{pk}/edit/")
        if fields is None:
            # Not editable (closed by someone else, or the page failed): record it as a failure.
            events.request.fire(request_type="FORM", name="dossier edit form missing", response_time=0,
                                response_length=0, exception=AssertionError(f"dossier {pk}: no edit form"),
                                context={})
            return
        base = re.sub(r" \(sửa \d+\)$", "", fields.get("title", "").strip())
        fields["title"] = f"{base} (sửa {random.randint(1, 999)})"
        with self.client.post(f"/dossiers/{pk}/edit/", data=fields, name="dossier edit (POST)",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"edit answered {response.status_code}")
                return
            response.success()
        self.page(f"/dossiers/{pk}/", "dossier detail", expect="Đã lưu thông tin hồ sơ.")

    @task(2)
    def add_document(self):
        pk = self._dossier()
        self.page(f"/dossiers/{pk}/", "dossier detail")
        q = random.choice(DOSSIER_SEARCHES)
        results = self.page(f"/dossiers/{pk}/documents/search/?q={q.replace(' ', '+')}", "dossier document search")
        match = re.search(r'name="document" value="(\d+)"', results.text)
        if not match:
            return  # nothing left to add for this word: a real user would type another
        token = CSRF.search(results.text)
        with self.client.post(f"/dossiers/{pk}/documents/",
                              data={"document": match.group(1), "csrfmiddlewaretoken": token.group(1) if token else ""},
                              name="dossier add document (POST)", allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"add answered {response.status_code}")
                return
            response.success()
        self.page(f"/dossiers/{pk}/", "dossier detail", expect="Đã thêm văn bản")


# Every request's start, duration, route and outcome, for bench/run_load.py to split the run into
# the login burst and the steady state after it (locust's own statistics cover the whole run).
TIMELINE = os.environ.get("LOAD_TIMELINE", "")
_timeline: list[tuple[float, float, str, int]] = []


@events.request.add_listener
def _record(request_type, name, response_time, exception=None, **kwargs):
    if TIMELINE:
        # The event fires when the response is complete: it started response_time ms earlier.
        _timeline.append((time.time() - response_time / 1000, response_time, f"{request_type} {name}",
                          int(exception is not None)))


@events.quitting.add_listener
def _write_timeline(environment, **kwargs):
    if TIMELINE:
        with open(TIMELINE, "w", encoding="utf-8") as f:
            f.write("start,ms,failed,route\n")  # the route last: it may contain a comma
            f.writelines(f"{start:.3f},{ms:.1f},{failed},{route}\n" for start, ms, route, failed in _timeline)


@events.quitting.add_listener
def _fail_on_errors(environment, **kwargs):
    # locust already exits 1 on any failed request; say so in one line for the runner's log.
    if environment.stats.total.num_failures:
        print(f"LOAD: {environment.stats.total.num_failures} failed requests")
