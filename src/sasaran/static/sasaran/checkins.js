/* The check-in inbox (and Home's rows opened in place): Enter in a row's field saves that row
   (Shift+Enter keeps a new line in a note); after the save, focus moves to the next row's first
   field, or to the row's error, or to its confirmation. No inline script: the CSP forbids it. */
(function () {
  var pending = null; // {id: the row being saved, byEnter: whether Enter saved it}

  function firstField(row) {
    return row && row.querySelector("[data-row-first], select, textarea");
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || ev.shiftKey || ev.isComposing) return;
    var el = ev.target;
    if (!el.matches || !el.matches(".checkin-row input, .checkin-row select, .checkin-row textarea")) return;
    var save = el.closest(".checkin-row").querySelector("[data-row-save]");
    if (!save || save.disabled) return;
    ev.preventDefault();
    save.setAttribute("data-by-enter", "1");
    save.click();
  });

  document.addEventListener("htmx:beforeRequest", function (ev) {
    var elt = ev.detail && ev.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-opens-row")) {
      pending = { id: elt.getAttribute("data-opens-row"), opening: true };
      return;
    }
    var row = elt && elt.closest && elt.closest(".checkin-row");
    if (!row) return;
    pending = { id: row.id, byEnter: elt.getAttribute("data-by-enter") === "1" };
    elt.removeAttribute("data-by-enter");
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) return;
    var row = document.getElementById(pending.id);
    var byEnter = pending.byEnter, opening = pending.opening;
    pending = null;
    if (!row) return;
    if (opening) {
      if (firstField(row)) firstField(row).focus();
      return;
    }
    var invalid = row.querySelector("[aria-invalid=true]") || row.querySelector(".row-error");
    if (invalid) {
      if (invalid.classList.contains("row-error")) invalid.setAttribute("tabindex", "-1");
      invalid.focus();
      return;
    }
    var next = row.nextElementSibling;
    while (next && !firstField(next)) next = next.nextElementSibling;
    if (byEnter && next) {
      var field = firstField(next);
      field.focus();
      if (field.select && field.type === "text") field.select();
      return;
    }
    var notice = row.querySelector(".row-notice");
    if (notice) notice.focus();
    else if (firstField(row)) firstField(row).focus();
  });
})();
