// Inventory form: "add a line" clones the formset's empty form (Django's __prefix__ template).
(function () {
  var button = document.getElementById("add-line");
  var total = document.getElementById("id_lines-TOTAL_FORMS");
  var body = document.querySelector("#lines-table tbody");
  var template = document.getElementById("empty-line");
  if (!button || !total || !body || !template) return;
  function add(focus) {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, index);
    body.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    if (focus) body.lastElementChild.querySelector("input").focus();
  }
  button.addEventListener("click", function () { add(true); });
  if (parseInt(total.value, 10) === 0) add(false);
})();

// Lines typed and not yet saved are not lost by leaving the page: the browser asks first. Saving
// the draft or submitting (both post this form) is not leaving. The "Nộp" button sits outside the
// form (form="lines-form") and carries its own question (data-confirm on the button).
(function () {
  var form = document.getElementById("lines-form");
  if (!form) return;
  var dirty = false;
  function touched() { dirty = true; }
  form.addEventListener("input", touched);
  form.addEventListener("change", touched);
  document.querySelectorAll("[form='lines-form']").forEach(function (el) {
    el.addEventListener("change", touched);
  });
  form.addEventListener("submit", function (event) {
    var question = event.submitter && event.submitter.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = form.getAttribute("data-unsaved") || "";
    return event.returnValue;
  });
})();
