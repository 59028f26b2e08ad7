// Printable pages (login slips, report cards, the year sheet): a «Печать» button opens the browser's print
// dialog. A file of its own: the pages' Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
