/* Parents' absence notices on the journal grid (templates/journal/_notice_hints.html): the cells
 * a notice covers are marked and titled with its code, and «н» typed in such a cell is replaced,
 * once, by the notice's code («б», «у»), saying so in the grid's status line; typing «н» again
 * keeps «н». It runs before journal.js saves the cell (the input event comes before change). */
(function () {
  "use strict";

  var data = document.getElementById("journal-notices");
  var grid = document.getElementById("journal-grid");
  if (!data || !grid) { return; }
  var covered = JSON.parse(data.textContent || "{}");
  var messages = (document.getElementById("journal-notices-messages") || {dataset: {}}).dataset;
  var status = document.getElementById("journal-status");

  function codeOf(input) {
    var row = input.closest("tr[data-pupil]");
    var lessons = row ? covered[row.dataset.pupil] : null;
    return lessons ? lessons[input.dataset.lesson] || null : null;
  }

  function markCoveredCells() {
    Object.keys(covered).forEach(function (pupil) {
      Object.keys(covered[pupil]).forEach(function (lesson) {
        var input = grid.querySelector('tr[data-pupil="' + pupil + '"] input.cell-input[data-lesson="' + lesson + '"]');
        if (!input) { return; }
        input.classList.add("has-notice");
        input.dataset.notice = covered[pupil][lesson];
        input.title = (messages.hint || "{code}").replace("{code}", covered[pupil][lesson]);
      });
    });
  }

  function offerCode(event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("cell-input") || input.readOnly) { return; }
    var code = codeOf(input);
    if (!code || input.value.trim().toLowerCase() !== "н") { return; }
    if (input.dataset.noticeOffered === "1") { return; }  // the teacher typed «н» again: keep it
    input.dataset.noticeOffered = "1";
    input.value = code;
    if (status) {
      status.textContent = (messages.offered || "{code}").replace("{code}", code);
      status.className = "journal-status ok";
    }
  }

  markCoveredCells();
  grid.addEventListener("input", offerCode, true);
})();
