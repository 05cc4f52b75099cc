/* Small behaviours every page may use, wired by data attributes: the Content-Security-Policy
   allows no inline script or event handler attribute (onchange=, onfocus=).
   data-autosubmit: a select that submits its form when it changes (a <noscript> button stays).
   data-select-on-focus: a read-only field whose text is selected when focused (tokens, links). */
(function () {
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("focusin", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("[data-select-on-focus]")) el.select();
  });
})();
