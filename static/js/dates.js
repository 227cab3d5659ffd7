// The portal's date input (recordsportal.forms.DateInput: <input data-date-input>, dd/mm/yyyy):
// 1. typing: a phone's numeric keypad has no "/", so the slashes come by themselves
//    ("06122026" becomes "06/12/2026"); typed slashes are kept ("6/12/2026").
// 2. a calendar button beside it opens a small calendar in the page's language (month names
//    from base.html's portal-texts), keyboard-operable like the WAI-ARIA date picker dialog:
//    arrows move by a day or a week, Page Up/Down by a month, Home/End to the week's ends,
//    Enter picks, Escape closes; the focus returns to the button.
// Nothing here is needed to type a date: without the script the field takes dd/mm/yyyy as is.
(function () {
  var texts = window.portalTexts || {};
  var months = texts.months || ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];
  var weekdays = texts.weekdays || ["2", "3", "4", "5", "6", "7", "CN"];
  var weekdayNames = texts.weekdayNames || weekdays;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function show(date) { return pad(date.getDate()) + "/" + pad(date.getMonth() + 1) + "/" + date.getFullYear(); }
  function parse(value) {
    var m = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/.exec(value || "");
    if (!m) return null;
    var date = new Date(+m[3], +m[2] - 1, +m[1]);
    return date.getMonth() === +m[2] - 1 && date.getDate() === +m[1] ? date : null;
  }
  function sameDay(a, b) { return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate(); }
  function addDays(date, n) { return new Date(date.getFullYear(), date.getMonth(), date.getDate() + n); }
  function addMonths(date, n) {
    var last = new Date(date.getFullYear(), date.getMonth() + n + 1, 0).getDate();
    return new Date(date.getFullYear(), date.getMonth() + n, Math.min(date.getDate(), last));
  }
  function mondayIndex(date) { return (date.getDay() + 6) % 7; }  // Monday first, as Vietnamese calendars
  function monthTitle(date) {
    return (texts.monthYear || "{month} {year}").replace("{month}", months[date.getMonth()]).replace("{year}", date.getFullYear());
  }

  // --- typing -------------------------------------------------------------------------------
  function onInput(event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-date-input]")) return;
    var value = input.value;
    if (event.inputType === "insertFromPaste" || event.inputType === "insertReplacementText") {
      var digits = value.replace(/\D/g, "");
      if (/^\d{8}$/.test(digits) && !/[\/.\-]/.test(value)) input.value = digits.slice(0, 2) + "/" + digits.slice(2, 4) + "/" + digits.slice(4);
      return;
    }
    if (event.inputType !== "insertText" || input.selectionStart !== value.length) return;
    if (/^\d{2}$/.test(value) || /^\d{1,2}\/\d{2}$/.test(value)) input.value = value + "/";
    else if (/\/\/$/.test(value)) input.value = value.slice(0, -1);
    else if (/^\d{3}$/.test(value)) input.value = value.slice(0, 2) + "/" + value.slice(2);
    else if (/^\d{1,2}\/\d{3}$/.test(value)) input.value = value.slice(0, -1) + "/" + value.slice(-1);
  }
  document.addEventListener("input", onInput);
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-date-input]")) return;
    var digits = input.value.replace(/\s/g, "");
    if (/^\d{8}$/.test(digits)) input.value = digits.slice(0, 2) + "/" + digits.slice(2, 4) + "/" + digits.slice(4);
  });

  // --- the calendar ---------------------------------------------------------------------------
  var dialog, title, grid, current, focused, owner, button;

  function build() {
    dialog = document.createElement("div");
    dialog.className = "date-picker";
    dialog.hidden = true;
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-labelledby", "date-picker-title");
    dialog.innerHTML =
      '<div class="date-picker-head">' +
      '<button type="button" class="btn btn-sm btn-outline-secondary" data-move="-1"><i class="bi bi-chevron-left" aria-hidden="true"></i></button>' +
      '<h2 id="date-picker-title" aria-live="polite"></h2>' +
      '<button type="button" class="btn btn-sm btn-outline-secondary" data-move="1"><i class="bi bi-chevron-right" aria-hidden="true"></i></button>' +
      "</div>" +
      '<table role="grid" aria-labelledby="date-picker-title"><thead><tr></tr></thead><tbody></tbody></table>' +
      '<div class="date-picker-foot"><button type="button" class="btn btn-sm btn-link" data-today></button>' +
      '<button type="button" class="btn btn-sm btn-outline-secondary" data-close></button></div>';
    title = dialog.querySelector("h2");
    grid = dialog.querySelector("tbody");
    dialog.querySelector('[data-move="-1"]').setAttribute("aria-label", texts.previousMonth || "<");
    dialog.querySelector('[data-move="1"]').setAttribute("aria-label", texts.nextMonth || ">");
    dialog.querySelector("[data-today]").textContent = texts.today || "Today";
    dialog.querySelector("[data-close]").textContent = texts.close || "Close";
    var head = dialog.querySelector("thead tr");
    weekdays.forEach(function (day, i) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = day;
      th.setAttribute("abbr", weekdayNames[i]);
      head.appendChild(th);
    });
    dialog.addEventListener("click", onDialogClick);
    dialog.addEventListener("keydown", onDialogKey);
    document.body.appendChild(dialog);
    document.addEventListener("mousedown", function (event) {
      if (!dialog.hidden && !dialog.contains(event.target) && event.target !== button && !button.contains(event.target)) close(false);
    });
  }

  function render() {
    title.textContent = monthTitle(focused);
    grid.textContent = "";
    var first = new Date(focused.getFullYear(), focused.getMonth(), 1);
    var day = addDays(first, -mondayIndex(first));
    var today = new Date();
    for (var week = 0; week < 6; week++) {
      var row = document.createElement("tr");
      for (var i = 0; i < 7; i++) {
        var cell = document.createElement("td");
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = day.getDate();
        b.dataset.date = show(day);
        b.tabIndex = sameDay(day, focused) ? 0 : -1;
        // The name starts with the number shown (WCAG 2.5.3), then the weekday and the full date.
        b.setAttribute("aria-label", day.getDate() + ", " + weekdayNames[mondayIndex(day)] + " " + show(day));
        if (day.getMonth() !== focused.getMonth()) b.className = "other-month";
        if (sameDay(day, today)) b.setAttribute("aria-current", "date");
        b.setAttribute("aria-pressed", sameDay(day, current) ? "true" : "false");
        cell.appendChild(b);
        row.appendChild(cell);
        day = addDays(day, 1);
      }
      grid.appendChild(row);
    }
  }

  function focusDay() {
    var b = grid.querySelector('button[data-date="' + show(focused) + '"]');
    if (b) b.focus();
  }

  function place() {
    var rect = owner.getBoundingClientRect();
    var width = dialog.offsetWidth;
    var left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    dialog.style.left = (left + window.scrollX) + "px";
    dialog.style.top = (rect.bottom + window.scrollY + 4) + "px";
  }

  function open(input, opener) {
    if (!dialog) build();
    owner = input;
    button = opener;
    current = parse(input.value);
    focused = current || new Date();
    render();
    dialog.hidden = false;
    opener.setAttribute("aria-expanded", "true");
    place();
    focusDay();
  }

  function close(returnFocus) {
    if (!dialog || dialog.hidden) return;
    dialog.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (returnFocus) button.focus();
  }

  function pick(date) {
    owner.value = show(date);
    owner.dispatchEvent(new Event("input", { bubbles: true }));
    owner.dispatchEvent(new Event("change", { bubbles: true }));
    close(false);
    owner.focus();
  }

  function moveTo(date) {
    var sameMonth = date.getMonth() === focused.getMonth() && date.getFullYear() === focused.getFullYear();
    focused = date;
    if (!sameMonth) render();
    else grid.querySelectorAll("button").forEach(function (b) { b.tabIndex = b.dataset.date === show(date) ? 0 : -1; });
    focusDay();
  }

  function onDialogClick(event) {
    var target = event.target.closest("button");
    if (!target) return;
    if (target.dataset.date) pick(parse(target.dataset.date));
    else if (target.dataset.move) { focused = addMonths(focused, +target.dataset.move); render(); }
    else if (target.hasAttribute("data-today")) moveTo(new Date());
    else if (target.hasAttribute("data-close")) close(true);
  }

  function onDialogKey(event) {
    if (event.key === "Escape") { event.preventDefault(); close(true); return; }
    if (event.key === "Tab") {  // the focus stays in the dialog while it is open
      var stops = Array.prototype.filter.call(dialog.querySelectorAll("button"), function (b) { return b.tabIndex >= 0; });
      var index = stops.indexOf(document.activeElement);
      var next = event.shiftKey ? (index <= 0 ? stops.length - 1 : index - 1) : (index === stops.length - 1 ? 0 : index + 1);
      event.preventDefault();
      stops[next].focus();
      return;
    }
    if (!event.target.dataset || !event.target.dataset.date) return;
    var moves = {
      ArrowLeft: function () { return addDays(focused, -1); },
      ArrowRight: function () { return addDays(focused, 1); },
      ArrowUp: function () { return addDays(focused, -7); },
      ArrowDown: function () { return addDays(focused, 7); },
      PageUp: function () { return addMonths(focused, event.shiftKey ? -12 : -1); },
      PageDown: function () { return addMonths(focused, event.shiftKey ? 12 : 1); },
      Home: function () { return addDays(focused, -mondayIndex(focused)); },
      End: function () { return addDays(focused, 6 - mondayIndex(focused)); }
    };
    if (moves[event.key]) { event.preventDefault(); moveTo(moves[event.key]()); }
  }

  function enhance(root) {
    root.querySelectorAll("input[data-date-input]").forEach(function (input) {
      if (input.dataset.datePicker || input.type === "hidden") return;
      input.dataset.datePicker = "1";
      var focused = document.activeElement === input;  // moving the input drops its focus
      var group = document.createElement("div");
      group.className = "input-group date-input-group" + (input.classList.contains("form-control-sm") ? " input-group-sm" : "");
      input.parentNode.insertBefore(group, input);
      group.appendChild(input);
      var opener = document.createElement("button");
      opener.type = "button";
      opener.className = "btn btn-outline-secondary date-picker-button";
      opener.setAttribute("aria-haspopup", "dialog");
      opener.setAttribute("aria-expanded", "false");
      opener.setAttribute("aria-label", texts.chooseDate || "Calendar");
      opener.title = texts.chooseDate || "";
      opener.innerHTML = '<i class="bi bi-calendar3" aria-hidden="true"></i>';
      if (input.disabled || input.readOnly) opener.disabled = true;
      opener.addEventListener("click", function () {
        if (dialog && !dialog.hidden && owner === input) close(true);
        else open(input, opener);
      });
      group.appendChild(opener);
      if (focused) input.focus();
    });
  }

  enhance(document);
  if (window.htmx) window.htmx.onLoad(function (el) { if (el.querySelectorAll) enhance(el); });
  window.addEventListener("resize", function () { if (dialog && !dialog.hidden) place(); });
})();
