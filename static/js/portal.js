// A form marked data-submit-once cannot be sent twice by a double click: the second click
// would register a second document (the server also refuses duplicates).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-submit-once")) return;
  if (form.dataset.submitted) { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
});

// A form marked data-confirm="question" asks before it is sent. This replaces inline
// onsubmit="return confirm(...)" handlers, which the Content-Security-Policy forbids.
// Registered in the capture phase so it runs before the submit-once handler above.
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// Widths computed on the server (progress bars) arrive as data-width="42.5": set through the
// CSSOM, which the policy allows, instead of a style="" attribute, which it blocks.
(function () {
  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      var value = parseFloat(el.getAttribute("data-width"));
      if (!isNaN(value)) el.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
  }
  applyWidths(document);
  if (window.htmx) window.htmx.onLoad(function (el) { if (el.querySelectorAll) applyWidths(el); });
})();

// Styles that need the script (the file picker's face) apply under html.js only: without the
// script the browser's own controls stay usable.
document.documentElement.classList.add("js");

// The words the scripts show, in the page's language (base.html, {% portal_texts %}).
window.portalTexts = (function () {
  var source = document.getElementById("portal-texts");
  try { return source ? JSON.parse(source.textContent) : {}; } catch (e) { return {}; }
})();

// Forms are checked by the server, whose messages are Vietnamese, name their field and show at
// it; the browser's own bubbles ("Please fill out this field.") follow the browser's language.
document.querySelectorAll("form").forEach(function (form) { form.noValidate = true; });

// After a failed submit the page comes back with the fields in error marked: the focus goes to
// the first of them (inside a folded <details>, the details open), so a keyboard or screen
// reader user lands on the problem instead of the top of the page.
(function () {
  var first = document.querySelector("main .is-invalid, main [aria-invalid=true]");
  if (!first) return;
  var details = first.closest("details");
  if (details) details.open = true;
  if (first.classList.contains("file-picker-input")) {
    var face = first.nextElementSibling;
    if (face && face.scrollIntoView) face.scrollIntoView({ block: "center" });
    first.focus({ preventScroll: true });
  } else {
    first.focus();
  }
})();

// File picker: the chosen file names beside the Vietnamese "Chọn tệp" label
// (recordsportal/templates/portal/file_picker.html).
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file]")) return;
  var face = input.nextElementSibling;
  if (!face || !face.classList.contains("file-picker")) return;
  var shown = face.querySelector(".file-picker-names");
  var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
  if (names.length === 0) shown.textContent = shown.dataset.none;
  else if (names.length === 1) shown.textContent = names[0];
  else shown.textContent = shown.dataset.many.replace("%(n)s", names.length).replace("%(names)s", names.join(", "));
});

// A table wider than the screen scrolls inside its box: the box then takes the keyboard focus
// (arrow keys scroll it) and is announced as a region with a name (WCAG 2.1.1). Checked again
// when the box changes size (a phone turned) and for tables htmx brings in.
(function () {
  function name(box) {
    if (box.dataset.regionLabel) return box.dataset.regionLabel;
    var card = box.closest(".card");
    var header = card && card.querySelector(".card-header");
    if (header && header.textContent.trim()) return header.textContent.trim().replace(/\s+/g, " ");
    var table = box.querySelector("table");
    return (table && table.getAttribute("aria-label")) || window.portalTexts.scrollRegion || "";
  }
  function update(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", name(box));
      box.dataset.scrollRegion = "1";
    } else if (!scrolls && box.dataset.scrollRegion) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.scrollRegion;
    }
  }
  var observer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { update(entry.target); });
  }) : null;
  function setup(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      update(box);
      if (observer) observer.observe(box);
    });
  }
  setup(document);
  if (!observer) window.addEventListener("resize", function () { setup(document); });
  if (window.htmx) window.htmx.onLoad(function (el) { if (el.querySelectorAll) setup(el); });
})();
