// The board: drag a card onto another column to change its status. Each card carries a form
// (status select + Move) that works without script; a drop picks the column's status in that
// form and submits it through htmx, which swaps the card for the server's answer.
(function () {
  "use strict";
  let dragged = null;
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".task-card[draggable]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.task);
  });
  document.addEventListener("dragover", (event) => {
    const column = dragged && event.target.closest && event.target.closest(".column");
    if (!column) return;
    event.preventDefault();
    column.classList.add("drop-here");
  });
  document.addEventListener("dragleave", (event) => {
    const column = event.target.closest && event.target.closest(".column");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-here");
  });
  document.addEventListener("drop", (event) => {
    const column = dragged && event.target.closest && event.target.closest(".column");
    if (!column) return;
    event.preventDefault();
    column.classList.remove("drop-here");
    const card = dragged;
    dragged = null;
    const form = card.querySelector("form.move");
    const select = form && form.querySelector("select[name=status_id]");
    if (!select || select.value === column.dataset.status) return;
    select.value = column.dataset.status;
    column.querySelector(".cards").appendChild(card);
    form.requestSubmit();
  });
  document.addEventListener("dragend", () => {
    dragged = null;
    document.querySelectorAll(".drop-here").forEach((c) => c.classList.remove("drop-here"));
  });
})();
