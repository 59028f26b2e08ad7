// The diary week (app/templates/diary/week.html): opened without a date it is the home page of
// parents and pupils, and its landing day (today, or the first school day after holidays) is
// scrolled into view; a week asked for by date or by the arrows stays at its top.
document.addEventListener("DOMContentLoaded", function () {
  var day = document.querySelector(".diary-day.is-landing");
  if (day && !window.location.hash) {
    day.scrollIntoView({ block: "start" });
  }
});
