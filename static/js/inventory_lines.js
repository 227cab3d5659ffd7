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
