/* @mention suggestions in comment fields. A textarea with data-mentions="ID" offers the people of
   the <datalist id="ID"> (option value = handle, label = name) while the word before the caret
   starts with @: arrows move, Enter or Tab picks, Escape closes, a click picks. Without this
   script a handle typed by hand works the same. Wired by delegation, so fields that htmx swaps
   in work too; no inline script (the Content-Security-Policy forbids it). */
(function () {
  var MAX = 6;
  var state = null; // {field, box, items, active, start}

  function people(field) {
    var list = document.getElementById(field.getAttribute("data-mentions"));
    if (!list) return [];
    return Array.prototype.map.call(list.options, function (o) {
      return { handle: o.value, name: o.label || o.textContent };
    });
  }

  function partial(field) {
    var before = field.value.slice(0, field.selectionStart);
    var m = /(^|[^\w@.])@([\w.%+-]*)$/.exec(before);
    return m ? { query: m[2].toLowerCase(), start: before.length - m[2].length - 1 } : null;
  }

  function close() {
    if (!state) return;
    state.box.remove();
    state.field.setAttribute("aria-expanded", "false");
    state.field.removeAttribute("aria-activedescendant");
    state = null;
  }

  function mark(index) {
    state.active = index;
    state.items.forEach(function (li, i) {
      li.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    state.field.setAttribute("aria-activedescendant", state.items[index].id);
  }

  function pick(index) {
    var field = state.field;
    var handle = state.items[index].getAttribute("data-handle");
    var end = field.selectionStart;
    var text = "@" + handle + " ";
    field.value = field.value.slice(0, state.start) + text + field.value.slice(end);
    var caret = state.start + text.length;
    field.setSelectionRange(caret, caret);
    close();
    field.focus();
  }

  function open(field) {
    var p = partial(field);
    close();
    if (!p) return;
    var matches = people(field).filter(function (person) {
      return (
        person.handle.toLowerCase().indexOf(p.query) === 0 ||
        person.name.toLowerCase().indexOf(p.query) !== -1
      );
    }).slice(0, MAX);
    if (!matches.length) return;
    var box = document.createElement("ul");
    box.className = "mention-box";
    box.id = field.id + "-mentions";
    box.setAttribute("role", "listbox");
    var items = matches.map(function (person, i) {
      var li = document.createElement("li");
      li.id = box.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("data-handle", person.handle);
      li.textContent = person.name + " (@" + person.handle + ")";
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault(); // keep the focus in the field
        pick(i);
      });
      box.appendChild(li);
      return li;
    });
    field.insertAdjacentElement("afterend", box);
    field.setAttribute("aria-controls", box.id);
    field.setAttribute("aria-expanded", "true");
    state = { field: field, box: box, items: items, active: 0, start: p.start };
    mark(0);
  }

  document.addEventListener("input", function (ev) {
    var field = ev.target;
    if (field.matches && field.matches("textarea[data-mentions]")) open(field);
  });
  document.addEventListener("keydown", function (ev) {
    if (!state || ev.target !== state.field) return;
    var n = state.items.length;
    if (ev.key === "ArrowDown") mark((state.active + 1) % n);
    else if (ev.key === "ArrowUp") mark((state.active + n - 1) % n);
    else if (ev.key === "Enter" || ev.key === "Tab") pick(state.active);
    else if (ev.key === "Escape") close();
    else return;
    ev.preventDefault();
  });
  // The list is fetched when a comment field is first focused (data-src): most visits to an
  // objective never comment, and computing who may be mentioned costs the page. Once it has
  // arrived, a field still waiting on an "@" gets its suggestions.
  document.addEventListener("focusin", function (ev) {
    var field = ev.target;
    if (!field.matches || !field.matches("textarea[data-mentions]")) return;
    var list = document.getElementById(field.getAttribute("data-mentions"));
    if (!list || !list.getAttribute("data-src") || list.hasAttribute("data-loaded")) return;
    list.setAttribute("data-loaded", "");
    fetch(list.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        list.innerHTML = html;
        if (document.activeElement === field) open(field);
      })
      .catch(function () { list.removeAttribute("data-loaded"); });
  });
  document.addEventListener("focusout", function (ev) {
    if (state && ev.target === state.field) close();
  });
})();
