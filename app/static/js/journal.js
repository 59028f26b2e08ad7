/* The journal grid: keyboard-first entry, every cell saved at once over AJAX (X-CSRFToken).
 * A save that fails for lack of connection is marked on the cell and retried until it succeeds;
 * a refused save (invalid value, locked period) restores the saved value and says why; a stale
 * save (someone else changed the cell) shows the current value from the server. */
(function () {
  "use strict";

  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var messages = (document.getElementById("journal-messages") || {dataset: {}}).dataset;
  var status = document.getElementById("journal-status");
  var grid = document.getElementById("journal-grid") || document.getElementById("journal-year");
  if (!grid) { return; }
  var cfg = grid.dataset;
  var pending = 0;
  var lastCell = null;

  var lastErrorAt = 0;

  function say(text, isError) {
    if (!status) { return; }
    // A refusal stays readable: a routine "saved" of another cell does not wipe it at once.
    if (!isError && Date.now() - lastErrorAt < 6000) { return; }
    if (isError) { lastErrorAt = Date.now(); }
    status.textContent = text || "";
    status.className = "journal-status" + (isError ? " error" : (text ? " ok" : ""));
  }

  function reason() {
    var input = document.getElementById("journal-reason");
    return input ? input.value : "";
  }

  var reloadOffered = false;

  // The page's CSRF token has expired (the page stood open past the session): the server answers
  // 400 with code "stale_page". Offer once to reload; the caller still shows the message.
  function offerReload(reply) {
    if (reply.status !== 400 || !reply.data || reply.data.code !== "stale_page" || reloadOffered) { return; }
    reloadOffered = true;
    if (window.confirm(messages.stalePage || reply.data.message)) { window.location.reload(); }
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        var reply = {status: response.status, data: data};
        offerReload(reply);
        return reply;
      });
    });
  }

  function setState(input, state) {
    input.classList.remove("saving", "saved", "error", "stale");
    if (state) { input.classList.add(state); }
  }

  /* ---- cells ------------------------------------------------------------------------------- */

  function columnType(lessonId) {
    var th = grid.querySelector('th.lesson[data-lesson="' + lessonId + '"]');
    return th && th.dataset.type ? parseInt(th.dataset.type, 10) : null;
  }

  // The versions of what the cell holds, sent back with each save: data-marks="position:version,…",
  // data-absence="version".
  function knownOf(input) {
    var marks = {};
    (input.dataset.marks || "").split(",").forEach(function (pair) {
      var parts = pair.split(":");
      if (parts.length === 2) { marks[parts[0]] = parseInt(parts[1], 10); }
    });
    return {marks: marks, absence: input.dataset.absence ? parseInt(input.dataset.absence, 10) : null};
  }

  function applyCell(input, cell, keepTyping) {
    input.dataset.saved = cell.text;
    input.dataset.marks = Object.keys(cell.known.marks).map(function (position) {
      return position + ":" + cell.known.marks[position];
    }).join(",");
    if (cell.known.absence === null) { delete input.dataset.absence; } else { input.dataset.absence = cell.known.absence; }
    if (!keepTyping) { input.value = cell.text; }
    input.parentNode.classList.toggle("absent", !!cell.absence);
  }

  // A lesson column's versions by pupil id, sent with a fill or an absentees save: the server
  // refuses them when any cell changed since the page showed it.
  function columnKnown(lessonId) {
    var known = {};
    Array.prototype.forEach.call(grid.querySelectorAll('input.cell-input[data-lesson="' + lessonId + '"]'), function (input) {
      known[input.closest("tr").dataset.pupil] = knownOf(input);
    });
    return known;
  }

  // A stale column save's reply: every cell of the column as it now stands.
  function applyColumn(lessonId, cells) {
    Object.keys(cells || {}).forEach(function (pupilId) {
      var input = grid.querySelector('tr[data-pupil="' + pupilId + '"] input[data-lesson="' + lessonId + '"]');
      if (input) { applyCell(input, cells[pupilId], false); setState(input, "stale"); }
    });
  }

  // A period taught without marks has no average, count or proposal cells: only those present are filled.
  function setText(row, selector, text) {
    var cell = row.querySelector(selector);
    if (cell) { cell.textContent = text; }
  }

  function applySummary(row, summary) {
    if (!summary) { return; }
    setText(row, ".avg", summary.average);
    setText(row, ".count", summary.count);
    setText(row, ".abs", summary.absences);
    setText(row, ".proposal", summary.proposal);
    var periodInput = row.querySelector(".period-input");
    if (periodInput) { periodInput.dataset.proposal = summary.proposal; }
    row.classList.toggle("shortage", !!summary.shortage);
  }

  function saveCell(input, attempt) {
    var text = input.value.trim();
    if (text === input.dataset.saved) { setState(input, null); return Promise.resolve(); }
    var row = input.closest("tr");
    var sent = input.value;
    setState(input, "saving");
    pending += 1;
    return post(cfg.saveUrl, {
      lesson_id: parseInt(input.dataset.lesson, 10),
      pupil_id: parseInt(row.dataset.pupil, 10),
      assignment_id: parseInt(cfg.assignment, 10),
      period_id: cfg.period ? parseInt(cfg.period, 10) : null,
      text: text,
      known: knownOf(input),
      mark_type_id: columnType(input.dataset.lesson),
      reason: reason()
    }).then(function (reply) {
      pending -= 1;
      if (reply.status === 200) {
        applyCell(input, reply.data.cell, input.value !== sent);
        applySummary(row, reply.data.summary);
        setState(input, "saved");
        say(messages.saved, false);
      } else if (reply.status === 409) {
        applyCell(input, reply.data.cell, false);
        applySummary(row, reply.data.summary);
        setState(input, "stale");
        say(reply.data.error, true);
      } else if (reply.status >= 500 || reply.status === 0) {
        throw new Error("server " + reply.status);
      } else {
        input.value = input.dataset.saved;
        setState(input, "error");
        say(reply.data.error || reply.data.message || ("HTTP " + reply.status), true);
        setTimeout(function () { if (input.classList.contains("error")) { setState(input, null); } }, 4000);
      }
    }).catch(function () {
      pending -= 1;
      setState(input, "error");
      input.title = messages.offline;
      say(messages.offline, true);
      var delay = Math.min(30000, 2000 * Math.pow(2, attempt || 0));
      return new Promise(function (resolve) { setTimeout(resolve, delay); }).then(function () {
        input.title = "";
        return saveCell(input, (attempt || 0) + 1);
      });
    });
  }

  function queueSave(input) {
    input._chain = (input._chain || Promise.resolve()).then(function () { return saveCell(input, 0); });
  }

  var inputs = Array.prototype.slice.call(grid.querySelectorAll("input.cell-input, input.period-input"));

  function move(input, dRow, dCol) {
    var td = input.closest("td");
    var tr = td.parentNode;
    var col = Array.prototype.indexOf.call(tr.children, td);
    var rows = Array.prototype.slice.call(tr.parentNode.children);
    var r = rows.indexOf(tr) + dRow;
    var target = null;
    if (dRow !== 0) {
      if (r >= 0 && r < rows.length) { target = rows[r].children[col].querySelector("input"); }
    } else {
      var cells = Array.prototype.slice.call(tr.children);
      for (var c = col + dCol; c >= 0 && c < cells.length; c += dCol) {
        target = cells[c].querySelector("input");
        if (target) { break; }
      }
    }
    if (target) { target.focus(); target.select(); }
  }

  inputs.forEach(function (input) {
    input.addEventListener("focus", function () {
      if (input.classList.contains("cell-input")) { lastCell = input; }
      markColumn(input.dataset.lesson);
      // A click's mouseup would undo a selection made now; select after it, unless the teacher has
      // already typed into the cell (fast typing after Enter must not lose its first characters).
      var before = input.value;
      setTimeout(function () {
        if (document.activeElement === input && input.value === before) { input.select(); }
      }, 0);
    });
    input.addEventListener("change", function () {
      if (input.readOnly) { return; }
      if (input.classList.contains("period-input")) { savePeriodMark(input); } else { queueSave(input); }
    });
    input.addEventListener("keydown", function (event) {
      var key = event.key;
      if (key === "Enter") {
        event.preventDefault();
        if (input.classList.contains("period-input") && !input.value && input.dataset.proposal && !input.readOnly) {
          input.value = input.dataset.proposal;
          savePeriodMark(input);
        }
        move(input, event.shiftKey ? -1 : 1, 0);
      } else if (key === "ArrowDown") { event.preventDefault(); move(input, 1, 0); }
      else if (key === "ArrowUp") { event.preventDefault(); move(input, -1, 0); }
      else if (key === "ArrowRight" && (input.selectionEnd === input.value.length)) { event.preventDefault(); move(input, 0, 1); }
      else if (key === "ArrowLeft" && (input.selectionStart === 0)) { event.preventDefault(); move(input, 0, -1); }
      else if (key === "Escape") { input.value = input.dataset.saved || ""; input.select(); }
    });
  });

  function markColumn(lessonId) {
    Array.prototype.forEach.call(grid.querySelectorAll("th.lesson"), function (th) {
      th.classList.toggle("active-lesson", !!lessonId && th.dataset.lesson === lessonId);
    });
  }

  /* ---- opening at a lesson: today's (or the latest past) column in view -------------------------- */

  var scroller = grid.closest(".journal-scroll");

  // Scroll the grid sideways so that the lesson's column stands about two thirds across the part
  // of the grid the frozen pupil names leave free: the lessons before it stay in view.
  function scrollToColumn(th) {
    if (!scroller || !th) { return; }
    var names = grid.querySelector("thead th.pupil");
    var frozen = names ? names.offsetWidth : 0;
    var free = scroller.clientWidth - frozen;
    var left = th.getBoundingClientRect().left - scroller.getBoundingClientRect().left + scroller.scrollLeft;
    var wanted = left - frozen - Math.max(0, Math.round(free * 2 / 3) - th.offsetWidth);
    scroller.scrollLeft = Math.max(0, wanted);
  }

  // The server names the column to open at (data-focus-lesson): the lesson a link asked for, today's
  // or the latest past one. A link to a lesson (data-focus-cell) also puts the keyboard in its first cell.
  (function openAtLesson() {
    var lessonId = cfg.focusLesson;
    if (!lessonId) { return; }
    var th = grid.querySelector('th.lesson[data-lesson="' + lessonId + '"]');
    scrollToColumn(th);
    if (cfg.focusCell) {
      var first = grid.querySelector('tbody input.cell-input[data-lesson="' + lessonId + '"]');
      if (first) { first.focus({preventScroll: true}); }
    }
  })();

  window.addEventListener("beforeunload", function (event) {
    if (pending > 0 || grid.querySelector(".error")) {
      event.preventDefault();
      event.returnValue = messages.pending || "";
    }
  });

  /* ---- period and year marks ------------------------------------------------------------------ */

  function savePeriodMark(input) {
    var value = input.value.trim();
    if (value === (input.dataset.saved || "")) { return; }
    var row = input.closest("tr");
    setState(input, "saving");
    post(cfg.periodMarkUrl, {
      assignment_id: parseInt(cfg.assignment, 10),
      pupil_id: parseInt(row.dataset.pupil, 10),
      period_id: input.dataset.year ? null : (cfg.period ? parseInt(cfg.period, 10) : null),
      value: value,
      version: input.dataset.version ? parseInt(input.dataset.version, 10) : null,
      reason: reason()
    }).then(function (reply) {
      if (reply.status === 200) {
        input.value = reply.data.value;
        input.dataset.saved = reply.data.value;
        input.dataset.version = reply.data.version || "";
        setState(input, "saved");
        say(messages.saved, false);
      } else {
        input.value = input.dataset.saved || "";
        setState(input, "error");
        say(reply.data.error || reply.data.message || ("HTTP " + reply.status), true);
      }
    }).catch(function () {
      setState(input, "error");
      say(messages.offline, true);
    });
  }

  /* ---- lesson panel: topic, homework, work type, fill-down, absentees ------------------------------ */

  var panel = document.getElementById("lesson-panel");
  var panelStatus = document.getElementById("lesson-status");
  var currentLesson = null;

  // The panel's own status line: a save is confirmed where the teacher is looking (and on the
  // page's status line, as a cell's save is). The homework's fields make the panel taller than a
  // laptop's window leaves it: the panel scrolls to show the line.
  function sayInPanel(text, isError) {
    say(text, isError);
    if (!panelStatus) { return; }
    panelStatus.textContent = text || "";
    panelStatus.className = "journal-status" + (isError ? " error" : (text ? " ok" : ""));
    if (text && panel && !panel.hidden) { panelStatus.scrollIntoView({block: "nearest"}); }
  }

  // The panel floats next to its column (to the right of it, or to the left when the column is at
  // the right edge), within the window: it follows the column as the grid scrolls and stays in
  // view as the page does.
  // It starts level with the column's head while the window leaves it room below (the topic,
  // homework and save button: PANEL_ROOM pixels; the rest scrolls inside the panel), else higher up.
  var PANEL_MARGIN = 8;
  var PANEL_ROOM = 420;

  function placePanel() {
    if (!panel || panel.hidden || !currentLesson) { return; }
    var column = currentLesson.getBoundingClientRect();
    var width = panel.offsetWidth;
    var windowWidth = document.documentElement.clientWidth;
    var windowHeight = window.innerHeight;
    var left = column.right + PANEL_MARGIN;
    if (left + width > windowWidth - PANEL_MARGIN) { left = column.left - PANEL_MARGIN - width; }
    left = Math.max(PANEL_MARGIN, Math.min(left, windowWidth - width - PANEL_MARGIN));
    var top = Math.max(PANEL_MARGIN, Math.min(column.top, windowHeight - PANEL_ROOM - PANEL_MARGIN));
    panel.style.left = left + "px";
    panel.style.top = top + "px";
    panel.style.maxHeight = (windowHeight - top - PANEL_MARGIN) + "px";
  }

  function openLesson(th) {
    if (!panel) { return; }
    currentLesson = th;
    markColumn(th.dataset.lesson);
    var editable = th.dataset.editable === "1";
    document.getElementById("lesson-panel-title").textContent = th.dataset.date;
    var topic = document.getElementById("lesson-topic");
    topic.value = th.dataset.topic || "";
    showPlanned(th, topic);
    document.getElementById("lesson-type").value = th.dataset.type || "";
    Array.prototype.forEach.call(panel.querySelectorAll("input, textarea, select, #lesson-save, #fill-run, #absentees-run"),
      function (el) { el.disabled = !editable; });
    checkAbsentees(th);
    sayInPanel("", false);
    loadHomework(th);
    panel.hidden = false;
    placePanel();
    topic.focus({preventScroll: true});
  }

  /* The thematic plan's topic of each lesson without one (app.journal.plan_fill), read after the
   * page is shown: grey on the column's head and in the panel's empty topic field, written into
   * it with one click. */
  var plannedButton = document.getElementById("lesson-topic-planned");

  function showPlanned(th, topic) {
    var planned = th.dataset.topic ? "" : (th.dataset.planned || "");
    topic.placeholder = planned;
    if (plannedButton) { plannedButton.hidden = !planned || !!topic.value; }
  }

  if (cfg.plannedUrl) {
    fetch(cfg.plannedUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {topics: {}}; })
      .then(function (data) {
        Array.prototype.forEach.call(grid.querySelectorAll("th.lesson"), function (th) {
          var planned = (data.topics || {})[th.dataset.lesson];
          if (!planned || th.dataset.topic) { return; }
          th.dataset.planned = planned;
          th.classList.add("planned");
          var button = th.querySelector("button");
          button.title = button.title.replace(messages.noTopic, messages.planned.replace("{topic}", planned));
        });
      }).catch(function () { /* the plan is a hint: without it the grid works as before */ });
  }

  if (plannedButton) {
    // A topic typed by hand takes the button's place: Tab goes on to the homework.
    document.getElementById("lesson-topic").addEventListener("input", function (event) {
      plannedButton.hidden = !event.target.placeholder || !!event.target.value;
    });
    plannedButton.addEventListener("click", function () {
      var topic = document.getElementById("lesson-topic");
      topic.value = topic.placeholder;
      plannedButton.hidden = true;
      topic.focus();
    });
  }

  if (panel) {
    window.addEventListener("resize", placePanel);
    window.addEventListener("scroll", placePanel, {passive: true});
    if (scroller) { scroller.addEventListener("scroll", placePanel, {passive: true}); }
  }

  /* Homework of the open lesson: read when the panel opens (the tasks, who they may be for, the
   * next lesson's date as the default due day), one task per audience edited at a time. */
  var homework = document.getElementById("homework-fields");
  var homeworkState = null;  // the lesson's homework as the server last sent it
  var LESSON_AUDIENCE = "class";

  function homeworkInputs() {
    return Array.prototype.slice.call(homework.querySelectorAll("textarea, input, select"));
  }

  function setHomeworkEnabled(enabled) {
    homeworkInputs().forEach(function (el) { el.disabled = !enabled; });
  }

  // The due day's input and its calendar (templates/widgets/date_input.html): a calendar already
  // opened once keeps the day it read then unless told the input changed.
  function setDue(value) {
    var input = document.getElementById("homework-due");
    input.value = value || "";
    var picker = window.jQuery && window.jQuery(input).closest(".ru-date").data("datepicker");
    if (picker) { picker.update(); }
  }

  function loadHomework(th) {
    if (!homework) { return; }
    homeworkState = null;
    setHomeworkEnabled(false);
    document.getElementById("homework-refusal").hidden = true;
    document.getElementById("lesson-homework").value = "";
    setDue("");
    document.getElementById("homework-audience").textContent = "";
    document.getElementById("homework-file-list").textContent = "";
    document.getElementById("homework-others-block").hidden = true;
    var url = homework.dataset.url.replace("/0/homework", "/" + encodeURIComponent(th.dataset.lesson) + "/homework");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (data) { return {status: response.status, data: data}; });
      })
      .then(function (reply) {
        if (currentLesson !== th) { return; }
        if (reply.status === 200) { showHomework(reply.data.lesson, LESSON_AUDIENCE); }
        else { sayInPanel(reply.data.error || reply.data.message, true); }
      })
      .catch(function () { sayInPanel(messages.offline, true); });
  }

  function taskOf(key) {
    var tasks = (homeworkState && homeworkState.homework) || [];
    for (var i = 0; i < tasks.length; i += 1) { if (tasks[i].audience === key) { return tasks[i]; } }
    return null;
  }

  function showHomework(lesson, audience) {
    homeworkState = lesson;
    var select = document.getElementById("homework-audience");
    select.textContent = "";
    lesson.audiences.forEach(function (a) {
      var option = document.createElement("option");
      option.value = a.key;
      option.textContent = a.label;
      select.appendChild(option);
    });
    var known = lesson.audiences.some(function (a) { return a.key === audience; });
    select.value = known ? audience : LESSON_AUDIENCE;
    var refusal = document.getElementById("homework-refusal");
    refusal.textContent = lesson.refusal;
    refusal.hidden = !lesson.refusal;
    fillAudience();
    setHomeworkEnabled(lesson.editable && currentLesson && currentLesson.dataset.editable === "1");
    markHomework(currentLesson, lesson);
  }

  function fillAudience() {
    var key = document.getElementById("homework-audience").value;
    var task = taskOf(key);
    document.getElementById("lesson-homework").value = task ? task.text : "";
    setDue(task ? task.due_on : homeworkState.default_due);
    document.getElementById("homework-files").value = "";
    var list = document.getElementById("homework-file-list");
    list.textContent = "";
    (task ? task.files : []).forEach(function (file) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = homework.dataset.fileUrl.replace(/\/0$/, "/" + file.id);
      link.textContent = file.name;
      link.setAttribute("download", "");
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.className = "homework-remove";
      box.value = file.id;
      box.disabled = !(homeworkState.editable && currentLesson.dataset.editable === "1");
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + messages.removeFile));
      li.appendChild(link);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(label);
      list.appendChild(li);
    });
    var others = document.getElementById("homework-others");
    others.textContent = "";
    homeworkState.homework.forEach(function (other) {
      if (other.audience === key) { return; }
      var li = document.createElement("li");
      li.textContent = other.audience_label + ": " + other.text + " (" +
        (messages.dueOf || "{date}").replace("{date}", other.due_on) + ")";
      others.appendChild(li);
    });
    document.getElementById("homework-others-block").hidden = !others.children.length;
  }

  // The column head shows the task given to the lesson's class and how many there are.
  function markHomework(th, lesson) {
    if (!th) { return; }
    var own = null;
    lesson.homework.forEach(function (task) { if (task.audience === LESSON_AUDIENCE) { own = task; } });
    th.dataset.homework = own ? own.text : "";
    th.dataset.homeworkCount = lesson.homework.length;
    th.classList.toggle("has-homework", lesson.homework.length > 0);
  }

  // Sends the task of the chosen audience when anything of it changed; resolves true when there
  // was nothing to send or it was saved.
  function saveHomework(th) {
    if (!homework || !homeworkState || !homeworkState.editable || th.dataset.editable !== "1") { return Promise.resolve(true); }
    var key = document.getElementById("homework-audience").value;
    var task = taskOf(key);
    var text = document.getElementById("lesson-homework").value;
    var due = document.getElementById("homework-due").value.trim();
    var chosen = Array.prototype.slice.call(document.getElementById("homework-files").files || []);
    var removed = Array.prototype.slice.call(homework.querySelectorAll(".homework-remove:checked"));
    var changed = text.trim() !== (task ? task.text : "") || chosen.length > 0 || removed.length > 0 ||
      (text.trim() !== "" && due !== (task ? task.due_on : homeworkState.default_due));
    if (!changed) { return Promise.resolve(true); }
    var maxBytes = parseInt(homework.dataset.maxBytes, 10);
    var tooLarge = chosen.filter(function (file) { return file.size > maxBytes; })[0];
    if (tooLarge) {
      sayInPanel(messages.fileTooLarge.replace("{name}", tooLarge.name).replace("{mb}", Math.floor(maxBytes / 1048576)), true);
      return Promise.resolve(false);
    }
    var maxFiles = parseInt(homework.dataset.maxFiles, 10);
    if ((task ? task.files.length : 0) - removed.length + chosen.length > maxFiles) {
      sayInPanel(messages.tooManyFiles.replace("{n}", maxFiles), true);
      return Promise.resolve(false);
    }
    var body = new FormData();
    body.append("lesson_id", th.dataset.lesson);
    body.append("audience", key);
    body.append("text", text);
    body.append("due_on", due);
    body.append("version", task ? task.version : "");
    body.append("reason", reason());
    chosen.forEach(function (file) { body.append("files", file, file.name); });
    removed.forEach(function (box) { body.append("remove_files", box.value); });
    return fetch(homework.dataset.saveUrl, {
      method: "POST", credentials: "same-origin", body: body,
      headers: {"Accept": "application/json", "X-CSRFToken": csrf}
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        var reply = {status: response.status, data: data};
        offerReload(reply);
        return reply;
      });
    }).then(function (reply) {
      if (reply.data.lesson && currentLesson === th) { showHomework(reply.data.lesson, key); }
      else if (reply.data.lesson) { markHomework(th, reply.data.lesson); }
      if (reply.status === 200) { return true; }
      sayInPanel(reply.data.error || reply.data.message || ("HTTP " + reply.status), true);
      return false;
    });
  }

  // The absentees list ticks the pupils whose cell in the lesson's column holds an absence.
  function checkAbsentees(th) {
    Array.prototype.forEach.call(panel.querySelectorAll(".absentees-list input"), function (box) {
      var cell = grid.querySelector('tr[data-pupil="' + box.value + '"] input[data-lesson="' + th.dataset.lesson + '"]');
      var codes = (cell && cell.dataset.saved || "").split(/\s+/);
      box.checked = codes.some(function (t) { return t && !/^[2-5]/.test(t); });
    });
  }

  function columnSaved(th, reply) {
    if (reply.status === 200) { window.location.reload(); return; }
    if (reply.status === 409) {
      applyColumn(th.dataset.lesson, reply.data.cells);
      checkAbsentees(th);
    }
    sayInPanel(reply.data.error || reply.data.message, true);
  }

  Array.prototype.forEach.call(grid.querySelectorAll("th.lesson .lesson-head"), function (button) {
    button.addEventListener("click", function () { openLesson(button.closest("th")); });
  });

  if (panel) {
    document.getElementById("lesson-close").addEventListener("click", function () {
      panel.hidden = true;
      if (currentLesson) { currentLesson.querySelector("button").focus(); }
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { document.getElementById("lesson-close").click(); }
      // Ctrl+Enter (⌘+Enter on a Mac) saves from any field, the homework's several lines included.
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && panel.contains(event.target)
          && event.target.closest("#lesson-form")) {
        event.preventDefault();
        if (!document.getElementById("lesson-save").disabled) {
          document.getElementById("lesson-form").requestSubmit();
        }
      }
    });
    document.getElementById("lesson-type").addEventListener("change", function (event) {
      if (currentLesson) { currentLesson.dataset.type = event.target.value; }
    });
    if (homework) {
      document.getElementById("homework-audience").addEventListener("change", function () {
        if (homeworkState) { fillAudience(); }
      });
    }
    document.getElementById("lesson-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var th = currentLesson;
      if (!th) { return; }
      sayInPanel(messages.saving, false);
      post(cfg.lessonUrl, {
        lesson_id: parseInt(th.dataset.lesson, 10),
        version: parseInt(th.dataset.version, 10),
        topic: document.getElementById("lesson-topic").value,
        reason: reason()
      }).then(function (reply) {
        var lesson = reply.data.lesson;
        if (lesson) {
          th.dataset.topic = lesson.topic;
          th.dataset.version = lesson.version;
          th.classList.toggle("has-topic", !!lesson.topic);
          th.querySelector("button").title = lesson.topic;
        }
        if (reply.status !== 200) {
          if (lesson) { document.getElementById("lesson-topic").value = lesson.topic; }
          sayInPanel(reply.data.error || reply.data.message, true);
          return;
        }
        return saveHomework(th).then(function (saved) { if (saved) { sayInPanel(messages.saved, false); } });
      }).catch(function () { sayInPanel(messages.offline, true); });
    });
    document.getElementById("fill-run").addEventListener("click", function () {
      var value = document.getElementById("fill-value").value.trim();
      if (!currentLesson || !value) { return; }
      if (!window.confirm((messages.fillConfirm || "{value}").replace("{value}", value))) { return; }
      var th = currentLesson;
      post(cfg.fillUrl, {
        lesson_id: parseInt(th.dataset.lesson, 10), text: value, known: columnKnown(th.dataset.lesson),
        mark_type_id: columnType(th.dataset.lesson), reason: reason()
      }).then(function (reply) { columnSaved(th, reply); })
        .catch(function () { sayInPanel(messages.offline, true); });
    });
    document.getElementById("absentees-run").addEventListener("click", function () {
      var th = currentLesson;
      if (!th) { return; }
      var code = document.getElementById("absentees-code").value;
      var absent = {};
      Array.prototype.forEach.call(panel.querySelectorAll(".absentees-list input:checked"), function (box) {
        var cell = grid.querySelector('tr[data-pupil="' + box.value + '"] input[data-lesson="' + th.dataset.lesson + '"]');
        var existing = (cell && cell.dataset.saved || "").split(/\s+/).filter(function (t) { return t && !/^[2-5]/.test(t); });
        absent[box.value] = existing.length ? existing[0] : code;
      });
      post(cfg.absenteesUrl, {lesson_id: parseInt(th.dataset.lesson, 10), absent: absent,
                              known: columnKnown(th.dataset.lesson), reason: reason()})
        .then(function (reply) { columnSaved(th, reply); })
        .catch(function () { sayInPanel(messages.offline, true); });
    });
  }

  /* ---- history (administration) -------------------------------------------------------------- */

  var historyButton = document.getElementById("cell-history");
  var historyPanel = document.getElementById("history-panel");

  function showHistory(lessonId, pupilId) {
    var url = cfg.historyUrl + "?lesson=" + encodeURIComponent(lessonId) + (pupilId ? "&pupil=" + encodeURIComponent(pupilId) : "");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var body = historyPanel.querySelector("tbody");
        body.textContent = "";
        (data.history || []).forEach(function (h) {
          var tr = document.createElement("tr");
          [h.when, h.who, h.ip, h.what, h.action, h.old, h.new, h.reason].forEach(function (value) {
            var td = document.createElement("td");
            td.textContent = value;
            tr.appendChild(td);
          });
          body.appendChild(tr);
        });
        if (!(data.history || []).length) {
          var tr = document.createElement("tr");
          var td = document.createElement("td");
          td.colSpan = 8;
          td.textContent = messages.noHistory;
          tr.appendChild(td);
          body.appendChild(tr);
        }
        historyPanel.hidden = false;
      }).catch(function () { say(messages.offline, true); });
  }

  if (historyButton && historyPanel && cfg.historyUrl) {
    historyButton.addEventListener("click", function () {
      if (!lastCell) { say(messages.pickCell, true); return; }
      showHistory(lastCell.dataset.lesson, lastCell.closest("tr").dataset.pupil);
    });
    var lessonHistory = document.getElementById("lesson-history");
    if (lessonHistory) {
      lessonHistory.addEventListener("click", function () {
        if (currentLesson) { showHistory(currentLesson.dataset.lesson, null); }
      });
    }
  }
})();
