// Autosave glue for the questionnaire and a mentor's review; htmx makes the requests. Numbers
// every answer so the server keeps the newest one, maps the step form's field names to the
// autosave URL's, shows failed saves with a retry button, sends text typed just before the page
// goes away, makes a review's Agree button choose the seeker's level (which autosaves it),
// reloads when a request was sent to log in, and posts the step when "What each level means"
// cannot fetch a skill's statements.
// No eval, no inline handlers.
(function () {
  "use strict";

  let lastSequence = 0;
  const clock = document.querySelector("[data-sequence-base]");
  const serverBase = clock ? Number(clock.dataset.sequenceBase) : NaN;
  const startedAt = performance.now();

  // The server's clock in microseconds, as the page knows it: when the page was made plus the
  // time since, on the browser's monotonic clock. Not the device's own clock: a whole-step save
  // is numbered by the server's clock, and a device clock minutes slow (or fast) would make
  // the server refuse the next answer (or drop the step's unsaved evidence) as out of order.
  function serverNow() {
    if (!Number.isFinite(serverBase)) return Date.now() * 1000;
    return serverBase + Math.round((performance.now() - startedAt) * 1000);
  }

  // Strictly increasing within the page: a later answer always carries a higher number than
  // an earlier one, even two within one microsecond.
  function nextSequence() {
    lastSequence = Math.max(lastSequence + 1, serverNow());
    return lastSequence;
  }

  // What autosaves, and the prefix of its fields ("<slug>-level"...): a skill's fieldset (id
  // "skill-<slug>"), in the questionnaire and in a review alike.
  function autosavePrefix(elt) {
    if (!elt || !elt.matches) return undefined;
    return elt.matches("fieldset.skill[hx-post]") ? elt.id.slice("skill-".length) : undefined;
  }

  // What autosaves a field: its skill's fieldset.
  function saverOf(field) {
    const fieldset = field.closest("fieldset");
    return autosavePrefix(fieldset) !== undefined ? fieldset : null;
  }

  // Where a skill's saves are told: its fieldset's <output>.
  function statusOf(elt) {
    const fieldset = elt.closest("fieldset");
    return fieldset ? fieldset.querySelector("output") : null;
  }

  // A refused answer (the assessment was submitted in another tab, or a newer answer came
  // from one) must not stay chosen: show the stored answer instead, or none.
  function showStoredAnswer(fieldset, status) {
    const refusal = status.querySelector("[data-revert]");
    if (!refusal) return;
    const stored = refusal.dataset.storedLevel;
    fieldset.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.checked = stored !== undefined && radio.value === stored;
    });
  }

  function showError(elt, message) {
    const status = statusOf(elt);
    if (!status) return;
    const text = document.createElement("span");
    text.className = "save-error";
    text.setAttribute("data-save-error", "");
    const label = document.createElement("strong");
    label.textContent = "Not saved:";
    text.append(label, " " + message);
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "button-small button-secondary";
    retry.setAttribute("data-retry", "");
    retry.textContent = "Try again";
    status.replaceChildren(text, " ", retry);
  }

  document.addEventListener("htmx:configRequest", function (event) {
    const prefix = autosavePrefix(event.detail.elt);
    if (prefix === undefined) return;
    const params = event.detail.parameters;
    // One <form> holds every skill of the step, and htmx sends all of it: keep this skill's
    // fields only, under the plain names the autosave URLs take.
    const own = {};
    ["level", "evidence", "comment"].forEach(function (name) {
      own[name] = params[prefix + "-" + name];
    });
    Object.keys(params).forEach(function (key) {
      delete params[key];
    });
    ["level", "evidence", "comment"].forEach(function (name) {
      if (own[name] !== undefined) params[name] = own[name];
    });
    params.seq = String(nextSequence());
  });

  // Words typed in the moments before the page goes away (the tab closed, another page opened)
  // are still waiting for their autosave's delay: they are sent as the page is hidden, in a
  // request the browser delivers after the page is gone. `unsent` holds each saver whose text
  // has changed since its last save.
  const unsent = new Set();

  // A saver's text field (its one textarea: evidence or comment) and its chosen level.
  function fieldsOf(saver) {
    const prefix = autosavePrefix(saver);
    const text = saver.querySelector("textarea");
    return {
      text: text,
      name: text ? text.name.slice(prefix.length + 1) : "", // "evidence" or "comment"
      level: saver.querySelector('input[name="' + prefix + '-level"]:checked'),
    };
  }

  document.addEventListener("input", function (event) {
    if (!event.target.matches || !event.target.matches("textarea")) return;
    const saver = saverOf(event.target);
    if (saver) unsent.add(saver);
  });

  // Saved, and nothing typed since the request left: no longer unsent.
  document.addEventListener("htmx:afterRequest", function (event) {
    const saver = event.detail.elt;
    if (!unsent.has(saver) || !event.detail.successful) return;
    const fields = fieldsOf(saver);
    if (!fields.text || event.detail.requestConfig.parameters[fields.name] === fields.text.value) {
      unsent.delete(saver);
    }
  });

  window.addEventListener("pagehide", function () {
    const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    unsent.forEach(function (saver) {
      const fields = fieldsOf(saver);
      // An answer needs its level; without one there is nothing the autosave could keep.
      if (!fields.level || !fields.text) return;
      const body = new URLSearchParams({ level: fields.level.value, seq: String(nextSequence()) });
      body.set(fields.name, fields.text.value);
      fetch(new URL(saver.getAttribute("hx-post"), window.location.href), {
        method: "POST",
        body: body,
        keepalive: true,
        credentials: "same-origin",
        headers: Object.assign({ "HX-Request": "true" }, headers),
      });
    });
    unsent.clear();
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (autosavePrefix(event.detail.elt) === undefined) return;
    const status = statusOf(event.detail.elt);
    if (!status) return;
    // Busy: screen readers wait for the outcome instead of announcing "Saving" each time.
    status.setAttribute("aria-busy", "true");
    status.textContent = "Saving…";
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (autosavePrefix(event.detail.elt) === undefined) return;
    const status = statusOf(event.detail.elt);
    if (status) status.removeAttribute("aria-busy");
  });

  // Fired on the element swapped into; the element that asked is the request's.
  document.addEventListener("htmx:afterSwap", function (event) {
    const config = event.detail.requestConfig;
    const asker = config ? config.elt : null;
    if (autosavePrefix(asker) !== undefined) {
      const status = statusOf(asker);
      if (status) showStoredAnswer(asker, status);
      return;
    }
    // "Answer None to the rest": the confirmation took the button's place; go to it.
    const title = event.target.querySelector("#mark-none-title");
    if (title) title.focus();
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    const xhr = event.detail.xhr;
    const asked = new URL(event.detail.requestConfig.path, window.location.href);
    if (xhr.responseURL && new URL(xhr.responseURL).pathname !== asked.pathname) {
      // Redirected, most likely to the login page because the session ended: reload so the
      // person logs in again and comes back here.
      event.detail.shouldSwap = false;
      window.location.reload();
    }
  });

  // "What each level means" could not fetch the statements: do what it does without
  // JavaScript, post the step and come back with them open.
  function openLevelsWithoutFetching(event) {
    const button = event.detail.elt;
    if (!button.matches || !button.matches("button[name=levels]") || !button.form) return;
    button.form.requestSubmit(button);
  }

  document.addEventListener("htmx:responseError", openLevelsWithoutFetching);

  document.addEventListener("htmx:responseError", function (event) {
    const elt = event.detail.elt;
    if (autosavePrefix(elt) === undefined) return;
    const status = statusOf(elt);
    // A 4xx fragment with the server's own message has been swapped in already.
    if (status && status.querySelector("[data-save-error]")) return;
    const code = event.detail.xhr.status;
    showError(
      elt,
      code >= 500
        ? "the server had a problem (error " + code + "). Your choice is still selected."
        : "the server refused this answer (error " + code + ")."
    );
  });

  function connectionFailed(event) {
    const elt = event.detail.elt;
    if (autosavePrefix(elt) === undefined) return;
    const status = statusOf(elt);
    if (status) status.removeAttribute("aria-busy");
    showError(elt, "the connection failed. Check that you are online, then try again.");
  }

  document.addEventListener("htmx:sendError", connectionFailed);
  document.addEventListener("htmx:timeout", connectionFailed);

  document.addEventListener("click", function (event) {
    const retry = event.target.closest("[data-retry]");
    if (!retry) return;
    const fieldset = retry.closest("fieldset");
    if (autosavePrefix(fieldset) === undefined || !window.htmx) return;
    // The button goes away with the next status: keep focus on the answer being saved.
    const radio =
      fieldset.querySelector("input[type=radio]:checked") ||
      fieldset.querySelector("input[type=radio]");
    if (radio) radio.focus();
    window.htmx.trigger(fieldset, "change");
  });

  // Agree (a review): choose the seeker's level, as a click on it would; its change event
  // autosaves it. Without JavaScript the button posts the whole step instead.
  document.addEventListener("click", function (event) {
    const agree = event.target.closest("[data-agree]");
    if (!agree || !window.htmx) return;
    const fieldset = agree.closest("fieldset");
    const radio =
      fieldset && fieldset.querySelector('input[type=radio][value="' + agree.dataset.agree + '"]');
    if (!radio) return;
    event.preventDefault();
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  });

  document.addEventListener("DOMContentLoaded", function () {
    const summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
