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
