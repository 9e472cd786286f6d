// Keyboard use of the matrix editor's grid; htmx makes the requests. One cell link at a time is
// in the tab order (a roving tabindex): Tab enters the grid, the arrow keys move between
// cells (Home/End to the row's ends, Page Up/Down by ten rows), Enter or Space opens a cell,
// Escape closes its form, Enter in the form saves it. After each swap the focus goes where
// the user was. Without JavaScript every cell is a plain link to its own page.
(function () {
  "use strict";

  const grid = document.querySelector("[data-matrix-grid]");
  if (!grid) return;

  function cellRows() {
    // Rows holding cells; category heading rows are skipped.
    return Array.from(grid.querySelectorAll("tbody tr")).filter(function (row) {
      return row.querySelector("td.cell");
    });
  }

  function cellsOf(row) {
    return Array.from(row.querySelectorAll("td.cell"));
  }

  function focusable(td) {
    return td.querySelector(":scope > a") || td.querySelector("[data-cell-focus]");
  }

  function makeCurrent(td) {
    grid.querySelectorAll('td.cell > a[tabindex="0"]').forEach(function (link) {
      link.setAttribute("tabindex", "-1");
    });
    const link = td.querySelector(":scope > a");
    if (link) link.setAttribute("tabindex", "0");
  }

  function moveTo(td) {
    if (!td) return;
    makeCurrent(td);
    const target = focusable(td);
    if (target) {
      target.focus();
      td.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }

  function neighbour(td, key) {
    const row = td.closest("tr");
    const rows = cellRows();
    const rowIndex = rows.indexOf(row);
    const cells = cellsOf(row);
    const column = cells.indexOf(td);
    const inRow = function (index) {
      const other = rows[Math.max(0, Math.min(rows.length - 1, index))];
      const otherCells = cellsOf(other);
      return otherCells[Math.min(column, otherCells.length - 1)];
    };
    switch (key) {
      case "ArrowRight":
        return cells[column + 1];
      case "ArrowLeft":
        return cells[column - 1];
      case "ArrowDown":
        return rowIndex + 1 < rows.length ? inRow(rowIndex + 1) : null;
      case "ArrowUp":
        return rowIndex > 0 ? inRow(rowIndex - 1) : null;
      case "PageDown":
        return inRow(rowIndex + 10);
      case "PageUp":
        return inRow(rowIndex - 10);
      case "Home":
        return cells[0];
      case "End":
        return cells[cells.length - 1];
      default:
        return undefined;
    }
  }

  // Only the first cell (or the one the page's address names) is in the tab order at first.
  const links = grid.querySelectorAll("td.cell > a");
  links.forEach(function (link) {
    link.setAttribute("tabindex", "-1");
  });
  const named = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
  const start = named && named.matches("td.cell") ? named : grid.querySelector("td.cell");
  if (start) makeCurrent(start);

  grid.addEventListener("keydown", function (event) {
    const td = event.target.closest("td.cell");
    if (!td) return;
    const form = event.target.closest("form");
    if (form) {
      if (event.key === "Escape") {
        const cancel = form.querySelector("[data-cell-cancel]");
        if (cancel) {
          event.preventDefault();
          cancel.click();
        }
      } else if (event.key === "Enter" && event.target.tagName === "SELECT") {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (event.key === " " && event.target.matches("td.cell > a")) {
      event.preventDefault();
      event.target.click();
      return;
    }
    const next = neighbour(td, event.key);
    if (next === undefined) return;
    event.preventDefault();
    moveTo(next);
  });

  grid.addEventListener("focusin", function (event) {
    if (event.target.matches("td.cell > a")) makeCurrent(event.target.closest("td.cell"));
  });

  // A cell swapped in by htmx (its form, or its new value): keep the focus in it.
  document.addEventListener("htmx:load", function (event) {
    const td = event.detail.elt;
    if (!(td instanceof Element) || !td.matches("td.cell") || !grid.contains(td)) return;
    if (td.querySelector(":scope > a")) makeCurrent(td);
    const target = focusable(td);
    if (target) target.focus();
  });
})();
