/* Weekly timetable grid: keyboard navigation, a picker per cell, saving over AJAX.
   Tab or the arrow keys move between cells, Enter opens the cell's picker, Escape closes it.
   The server answers a refused change (a clash) with 400 and {"error": "..."}: nothing is saved
   and the picker stays open with the message. */
(function () {
  "use strict";
  var grid = document.getElementById("tt-grid");
  var picker = document.getElementById("tt-picker");
  if (!grid || !picker) { return; }
  var form = document.getElementById("tt-picker-form");
  var title = document.getElementById("tt-picker-title");
  var errorBox = document.getElementById("tt-picker-error");
  var assignment = document.getElementById("tt-assignment");
  var room = document.getElementById("tt-room");
  var validFrom = document.getElementById("tt-valid-from");
  var addBox = document.getElementById("tt-add");
  var status = document.getElementById("tt-status");
  var warnings = document.getElementById("tt-warnings");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var current = null;
  // Russian texts come from the page (gettext), not from this file.
  function msg(name) { return grid.getAttribute("data-msg-" + name) || ""; }

  function cellAt(row, col) {
    var rows = grid.tBodies[0].rows;
    if (row < 0 || row >= rows.length) { return null; }
    var tds = rows[row].querySelectorAll("td.tt-cell");
    return col >= 0 && col < tds.length ? tds[col] : null;
  }

  function position(cell) {
    var tr = cell.parentNode;
    var row = Array.prototype.indexOf.call(grid.tBodies[0].rows, tr);
    var col = Array.prototype.indexOf.call(tr.querySelectorAll("td.tt-cell"), cell);
    return [row, col];
  }

  function say(text) { status.textContent = text; }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = false;
    say(text);
  }

  function open(cell) {
    current = cell;
    title.textContent = cell.getAttribute("aria-label");
    errorBox.hidden = true;
    errorBox.textContent = "";
    var entry = cell.querySelector(".tt-entry");
    assignment.value = entry ? entry.getAttribute("data-assignment-id") : "";
    // A new cell starts with the class's usual room.
    room.value = entry ? entry.getAttribute("data-room-id") : (grid.getAttribute("data-usual-room") || "");
    addBox.checked = false;
    picker.hidden = false;
    cell.classList.add("tt-active");
    assignment.focus();
  }

  function close() {
    picker.hidden = true;
    if (current) {
      current.classList.remove("tt-active");
      current.focus();
    }
    current = null;
  }

  function showWarnings(list) {
    if (!warnings) { return; }
    warnings.innerHTML = "";
    if (!list.length) {
      var ok = document.createElement("li");
      ok.className = "tt-ok";
      ok.textContent = msg("ok");
      warnings.appendChild(ok);
    }
    list.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      warnings.appendChild(li);
    });
  }

  function send(url, payload) {
    var cell = current;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          showError(data.error || data.message || msg("failed"));
          return;
        }
        cell.innerHTML = data.html;
        showWarnings(data.warnings || []);
        var regenerate = document.getElementById("tt-regenerate");
        if (regenerate) {  // only when lessons already in the calendar no longer follow the change
          regenerate.querySelector("span").textContent = data.regenerate || "";
          regenerate.hidden = !data.regenerate;
        }
        close();
        say(data.message + (data.warnings && data.warnings.length ? " " + msg("warnings") + " " + data.warnings.length + "." : ""));
      });
    }).catch(function () {
      showError(msg("offline"));
    });
  }

  function payload(cell) {
    return {
      weekday: Number(cell.getAttribute("data-weekday")),
      lesson_number: Number(cell.getAttribute("data-lesson-number")),
      valid_from: validFrom.value,
      week: grid.getAttribute("data-week")
    };
  }

  grid.addEventListener("keydown", function (event) {
    var cell = event.target.closest ? event.target.closest("td.tt-cell") : null;
    if (!cell || event.target.closest("a")) { return; }  // a cell's «Замена» link opens its own page
    var moves = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]};
    if (moves[event.key]) {
      var p = position(cell);
      var next = cellAt(p[0] + moves[event.key][0], p[1] + moves[event.key][1]);
      if (next) { next.focus(); }
      event.preventDefault();
    } else if (event.key === "Enter" || event.key === " ") {
      open(cell);
      event.preventDefault();
    }
  });

  grid.addEventListener("click", function (event) {
    var cell = event.target.closest ? event.target.closest("td.tt-cell") : null;
    if (cell && !event.target.closest("a")) { open(cell); }
  });

  picker.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
      return;
    }
    if (event.key === "Tab") {  // keep focus inside the dialog
      var items = Array.prototype.filter.call(
        picker.querySelectorAll("select, input, button"), function (el) { return !el.disabled; });
      var first = items[0], last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
      else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) { return; }
    if (!assignment.value) {
      showError(msg("choose"));
      assignment.focus();
      return;
    }
    var data = payload(current);
    data.assignment_id = Number(assignment.value);
    data.room_id = room.value ? Number(room.value) : null;
    data.add = addBox.checked;
    send(grid.getAttribute("data-save-url"), data);
  });

  document.getElementById("tt-clear").addEventListener("click", function () {
    if (current) { send(grid.getAttribute("data-clear-url"), payload(current)); }
  });
  document.getElementById("tt-cancel").addEventListener("click", close);
})();
