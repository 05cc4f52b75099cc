/* Closing a cycle: point the reader at the reason field as soon as a score departs from the
   suggestion (the form carries the translated placeholder in data-required-text). */
(function () {
  var form = document.querySelector("form.close-form");
  var required = form ? form.getAttribute("data-required-text") : "";
  document.querySelectorAll(".grade-table select").forEach(function (sel) {
    var row = sel.closest("tr");
    // The suggestion is shown localised ("0,6" in Indonesian); the option values use a point.
    var suggested = row.querySelector(".suggested").textContent.trim().replace(",", ".");
    var reason = row.querySelector("input[type=text]");
    function sync() {
      reason.required = sel.value !== suggested;
      reason.placeholder = reason.required ? required : "";
    }
    sel.addEventListener("change", sync);
    sync();
  });
  // The grade page holds one form per objective and each saves alone: leaving the page (by
  // another objective's Save too) with typed but unsaved grades asks first, instead of losing
  // them without a word. The form being submitted counts as saved.
  var dirty = new Set();
  document.querySelectorAll("form.grade-form").forEach(function (f) {
    f.addEventListener("input", function () { dirty.add(f); });
    f.addEventListener("change", function () { dirty.add(f); });
    f.addEventListener("submit", function () { dirty.delete(f); });
  });
  window.addEventListener("beforeunload", function (ev) {
    if (!dirty.size) return;
    ev.preventDefault();
    ev.returnValue = "";
  });
  var errs = document.getElementById("close-errors");
  if (errs) errs.focus();
  // The confirmation of a close sits below the form: bring it into view and to the reader.
  var confirm = document.getElementById("confirm-close");
  if (confirm && !errs) confirm.focus();
})();
