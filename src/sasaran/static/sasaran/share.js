/* Export, print and share controls (okrs/explorer/_share.html), wired by data attributes: the
   Content-Security-Policy allows no inline script.
   data-print: prints the page (the print stylesheet in app.css hides navigation and controls).
   data-copy-link: copies the full current URL, filters included (htmx keeps it current). The
   buttons start hidden: without this script they would do nothing. */
(function () {
  function reveal(root) {
    root.querySelectorAll("[data-print][hidden], [data-copy-link][hidden]").forEach(function (el) {
      el.hidden = false;
    });
  }
  function say(button, text) {
    var status = button.parentNode.querySelector(".share-status");
    if (status) status.textContent = text;
  }
  function fallbackCopy(text) {
    // navigator.clipboard needs a secure context (https or localhost); a self-hosted server on
    // plain http still copies through a selected, off-screen field.
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "offscreen";
    document.body.appendChild(field);
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(field);
    return ok;
  }
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest && ev.target.closest("[data-print], [data-copy-link]");
    if (!el) return;
    if (el.hasAttribute("data-print")) { window.print(); return; }
    var url = window.location.href;
    var done = function () { say(el, el.getAttribute("data-copied")); };
    var failed = function () { say(el, el.getAttribute("data-failed") + " " + url); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, function () {
        if (fallbackCopy(url)) done(); else failed();
      });
    } else if (fallbackCopy(url)) {
      done();
    } else {
      failed();
    }
  });
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  // The explorer swaps its results (and this bar with them) in place.
  document.addEventListener("htmx:afterSwap", function (ev) { reveal(ev.target); });
})();
