"""The Content-Security-Policy in a real browser: the main pages load with no violation, their
scripts still work (dashboard chart drawn, inventory "add a line", confirm before delete,
progress bar width), and an injected inline handler is refused — proof the listener hears."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from backlog import services as backlog_services
from backlog.models import Inventory
from documents.choices import Form
from dossiers import services as dossier_services
from reports.compliance import compute_month

from ..conftest import scan_upload
from ..factories import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs before any page script, outside the page's CSP (Playwright injects it through the
# DevTools protocol): every violation event of the page is kept for the test to read.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


class Watch:
    """Console CSP errors and securitypolicyviolation events of one browser page."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        assert "default-src 'self'" in (response.headers.get("content-security-policy") or ""), url
        self.page.wait_for_load_state("load")

    def violations(self) -> list[str]:
        # Events are dispatched asynchronously: give the page a moment, then read them.
        self.page.wait_for_timeout(300)
        return list(self.page.evaluate("window.__csp || []")) + self.console


@pytest.fixture
def data(agency):
    today = timezone.localdate()
    from documents import services as document_services

    document = document_services.incoming_register(
        acting_user=agency.clerk, number_symbol="7/UBND-KT", issuer="Ủy ban nhân dân tỉnh",
        summary="Về việc kiểm tra chính sách bảo mật nội dung", document_date=today, arrival_date=today,
        # An electronic document has its content in the portal (issue 14): its scan.
        form=Form.ELECTRONIC, attachments=[scan_upload()])
    document_services.incoming_assign(acting_user=agency.leader, document=document, department=agency.dept_a,
                                      officer=agency.officer_a)
    dossier_services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ thử chính sách bảo mật",
                                  retention_years=10)
    compute_month(today.replace(day=1))
    campaign = backlog_services.campaign_open(
        acting_user=agency.clerk, title="Kiểm kê thử", scope_until_year=2015,
        deadline=today + datetime.timedelta(days=30), departments=[agency.dept_a], effort_norm=Decimal("8.5"))
    inventory = Inventory.objects.get(campaign=campaign, department=agency.dept_a)
    return {"document": document, "inventory": inventory, "month": today.strftime("%Y-%m")}


def test_main_pages_load_without_policy_violations_and_their_scripts_work(agency, data, live_server, page):
    watch = Watch(page)
    base = live_server.url

    log_in(page, live_server, "leader", PASSWORD)
    watch.visit(f"{base}/")
    watch.visit(f"{base}/reports/?month={data['month']}")
    # Chart.js and trend.js ran: the chart object exists and painted the canvas.
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('trend'))")
    painted = page.evaluate(
        """() => { const c = document.getElementById('trend'); const d = c.getContext('2d')
              .getImageData(0, 0, c.width, c.height).data; let n = 0;
              for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }""")
    assert painted > 500, "the dashboard chart drew nothing"
    assert watch.violations() == []

    page.context.clear_cookies()
    log_in(page, live_server, "clerk", PASSWORD)
    watch.visit(f"{base}/documents/")
    # htmx filter (its indicator style now comes from portal.css, not an injected <style>).
    page.get_by_test_id("register-filter").locator("button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    watch.visit(f"{base}/documents/incoming/new/")
    watch.visit(f"{base}/documents/{data['document'].pk}/")
    # The delete form asks first (data-confirm, formerly an inline onsubmit): dismissing keeps the page.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("form[data-confirm] button[type=submit]").first.click()
    page.wait_for_timeout(300)
    assert asked and "thùng rác" in asked[0]
    assert page.url.rstrip("/").endswith(f"/documents/{data['document'].pk}")
    assert watch.violations() == []

    page.context.clear_cookies()
    log_in(page, live_server, "officer_a", PASSWORD)
    watch.visit(f"{base}/dossiers/")
    # The progress bar's width comes from data-width through portal.js (no style attribute).
    bar = page.locator("[data-testid=dossier-progress] .progress-bar")
    expected = float(bar.get_attribute("data-width"))
    assert bar.evaluate("el => el.style.width") == f"{expected:g}%"
    assert watch.violations() == []

    page.context.clear_cookies()
    log_in(page, live_server, "head_a", PASSWORD)
    watch.visit(f"{base}/backlog/inventories/{data['inventory'].pk}/")
    rows = page.locator("#lines-table tbody tr")
    before = rows.count()
    assert before >= 1  # static/js/inventory_lines.js added the first empty line
    page.click("#add-line")
    assert rows.count() == before + 1
    assert watch.violations() == []


def test_an_injected_inline_handler_is_refused_and_heard(agency, live_server, page):
    watch = Watch(page)
    log_in(page, live_server, "clerk", PASSWORD)
    watch.visit(f"{live_server.url}/documents/")
    page.evaluate(
        """() => { window.__ran = false;
              document.body.insertAdjacentHTML('beforeend', '<img src="/nowhere.png" onerror="window.__ran = true">');
              const s = document.createElement('script'); s.textContent = 'window.__ran = true';
              document.body.appendChild(s); }""")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__ran") is False
    found = watch.violations()
    assert any("script-src" in v for v in found), found


def test_swagger_ui_works_under_its_relaxed_policy(agency, live_server, page):
    watch = Watch(page)
    log_in(page, live_server, "admin_user", PASSWORD)
    response = page.goto(f"{live_server.url}/api/docs/")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self';" in policy + ";" and "'unsafe-inline'" in policy.split("style-src")[1].split(";")[0]
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert watch.violations() == []
