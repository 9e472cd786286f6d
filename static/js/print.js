// "Print / save as PDF": the button shows only where JavaScript runs; there it stands in for
// the hint beside it (use the browser's own Print command), which stays for pages without it.
(function () {
  "use strict";
  for (const button of document.querySelectorAll("[data-print-button]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  if (document.querySelector("[data-print-button]")) {
    for (const hint of document.querySelectorAll(".print-hint")) hint.hidden = true;
  }
})();
