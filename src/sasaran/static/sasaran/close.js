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
  var errs = document.getElementById("close-errors");
  if (errs) errs.focus();
  // The confirmation of a close sits below the form: bring it into view and to the reader.
  var confirm = document.getElementById("confirm-close");
  if (confirm && !errs) confirm.focus();
})();
