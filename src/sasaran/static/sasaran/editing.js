/* Editing pages: show only the key-result fields that apply to its kind; add and remove
   milestone rows and key results. Without JavaScript every field shows and the server
   ignores the ones that do not apply. */
(function () {
  function applyKind(fs) {
    var kind = fs.querySelector("select[name$='kind']");
    if (!kind) return;
    fs.querySelectorAll("[data-kinds]").forEach(function (el) {
      el.hidden = el.getAttribute("data-kinds").split(" ").indexOf(kind.value) < 0;
    });
  }
  function renumber(fs) {
    fs.querySelectorAll(".ms-n").forEach(function (el, i) { el.textContent = String(i + 1); });
  }
  function wire(fs) {
    fs.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    var kind = fs.querySelector("select[name$='kind']");
    if (kind) kind.addEventListener("change", function () { applyKind(fs); });
    applyKind(fs);
    fs.addEventListener("click", function (ev) {
      var t = ev.target;
      if (t.classList.contains("add-ms")) {
        var list = fs.querySelector(".ms-rows"), last = list.lastElementChild;
        var row = last.cloneNode(true);
        row.querySelectorAll("input").forEach(function (i) { i.value = i.name.slice(-9) === "ms_weight" ? "1" : ""; });
        list.appendChild(row);
        renumber(fs);
        row.querySelector("input[type=text]").focus();
      } else if (t.classList.contains("remove-ms")) {
        var rows = fs.querySelectorAll(".ms-row");
        var li = t.closest(".ms-row");
        if (rows.length > 1) { li.remove(); } else { li.querySelector("input[type=text]").value = ""; }
        renumber(fs);
        var add = fs.querySelector(".add-ms"); if (add) add.focus();
      } else if (t.classList.contains("remove-kr")) {
        var form = fs.closest("form"); fs.remove();
        var more = form.querySelector(".add-kr"); if (more) more.focus();
      }
    });
  }
  document.querySelectorAll("fieldset.kr-fields").forEach(wire);
  var addKr = document.querySelector("button.add-kr");
  var tpl = document.getElementById("kr-template");
  if (addKr && tpl) {
    addKr.type = "button";
    addKr.addEventListener("click", function () {
      var count = document.querySelector("input[name='kr_count']");
      var n = parseInt(count.value, 10);
      var html = tpl.innerHTML.replace(/__N__/g, String(n)).replace(/__NUM__/g, String(n + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var fs = holder.firstElementChild;
      document.getElementById("kr-list").appendChild(fs);
      count.value = String(n + 1);
      wire(fs);
      fs.querySelector("input[type=text]").focus();
    });
  }
})();
