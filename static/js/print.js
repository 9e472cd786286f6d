// "Print / save as PDF": the button stays hidden without JavaScript, where the hint beside it
// tells people to use the browser's own Print command.
(function () {
  "use strict";
  for (const button of document.querySelectorAll("[data-print-button]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
})();
