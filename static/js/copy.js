// Copy buttons for read-only fields (an invitation link): shown only where JavaScript runs;
// without it the field's text can still be selected and copied. No inline handlers.
(function () {
  "use strict";

  function statusFor(id) {
    return document.querySelector('[data-copy-status="' + id + '"]');
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      if (navigator.clipboard) button.hidden = false;
    });
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const field = document.getElementById(button.dataset.copy);
    const status = statusFor(button.dataset.copy);
    if (!field) return;
    navigator.clipboard.writeText(field.value).then(
      function () {
        if (status) status.textContent = "Copied. Paste it into a chat or an email.";
      },
      function () {
        field.select();
        if (status) status.textContent = "Could not copy: the link is selected, copy it with Ctrl+C (⌘C on a Mac).";
      }
    );
  });
})();
