"""Accessibility and phone checks of a page in the browser, shared by the browser tests.

axe-core (vendored in tests/e2e/axe/, see its README) is a test tool, not part of the portal: it is
injected with `page.evaluate`, which runs through the DevTools protocol outside the page's
Content-Security-Policy, so the portal's policy stays exactly as strict as in production (no
'unsafe-eval', no extra script source) while axe audits the page."""

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "axe" / "axe.min.js").read_text(encoding="utf-8")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 800}
MIN_TARGET = 24  # CSS px, WCAG 2.2 success criterion 2.5.8 (target size, minimum)
BLOCKING_IMPACTS = ("serious", "critical")

_RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(1).join(" ")),
    count: v.nodes.length,
  }));
}"""

# Every visible control a finger can press. A control hidden on purpose (display none, visibility
# hidden, a visually-hidden skip link until it is focused: a 1 px box) is not a target.
_SMALL_TARGETS = """(min) => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex='-1'])";
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) continue;
    if (!el.getClientRects().length) continue;
    if (r.width + 0.5 < min || r.height + 0.5 < min) {
      const name = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || el.id || "").trim().slice(0, 40);
      small.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${name}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return small;
}"""


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    found = page.evaluate(_RUN_AXE)
    return [f"{v['id']} ({v['impact']}, {v['count']} nodes): {v['help']} — {'; '.join(v['nodes'])}"
            for v in found if v["impact"] in BLOCKING_IMPACTS]


def horizontal_overflow(page) -> int:
    """How many CSS px the page scrolls sideways (0: it reflows into the window)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


_WIDE = """() => {
  const width = window.innerWidth, found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 0.5 && r.width > 0) {
      let clipped = false;  // inside a box that scrolls or clips it within the window, it does not widen the page
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== "visible" && p.getBoundingClientRect().right <= width + 0.5) { clipped = true; break; }
      }
      if (!clipped) found.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")} right=${Math.round(r.right)}`);
    }
  }
  return found.slice(-5);
}"""


def small_targets(page) -> list[str]:
    """Visible controls narrower or shorter than 24 CSS px."""
    return page.evaluate(_SMALL_TARGETS, MIN_TARGET)


def phone_problems(page) -> list[str]:
    """What keeps the page at phone width from being used by a finger: sideways scrolling and
    targets under 24 x 24 px."""
    problems = []
    overflow = horizontal_overflow(page)
    if overflow > 0:
        problems.append(f"scrolls sideways by {overflow} px: {', '.join(page.evaluate(_WIDE))}")
    problems += [f"tap target under {MIN_TARGET} px: {t}" for t in small_targets(page)]
    return problems


def settle(page) -> None:
    """Let the page lay itself out again after a resize (media queries, Chart.js's resize)."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.wait_for_timeout(150)
