/* Small behaviours every page may use, wired by data attributes: the Content-Security-Policy
   allows no inline script or event handler attribute (onchange=, onfocus=).
   data-autosubmit: a select that submits its form when it changes (a <noscript> button stays).
   data-select-on-focus: a read-only field whose text is selected when focused (tokens, links).
   data-fold-narrow: a <details> open on wide screens and folded on a phone's (filter panels). */
(function () {
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("focusin", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("[data-select-on-focus]")) el.select();
  });
  function fold() {
    if (!window.matchMedia("(max-width: 640px)").matches) return;
    document.querySelectorAll("details[data-fold-narrow][open]").forEach(function (d) {
      d.removeAttribute("open");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fold);
  else fold();
})();
