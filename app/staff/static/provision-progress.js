// The import's progress bar. A staff member who may import has a "Continue the import"
// form on the page: the script posts it (CSRF token in the X-CSRFToken header, as
// passkeys.js does) and each post takes the next chunk and answers the progress as JSON.
// Without that form (an auditor) it only reads the progress URL. At 100 % it shows the
// page's final state. Without JavaScript the button posts the same form.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box || box.getAttribute("data-done") === "True") return;
  var bar = box.querySelector("progress");
  var form = box.querySelector("form[data-import-continue]");
  function show(state) {
    ["percent", "created", "skipped"].forEach(function (name) {
      box.querySelector('[data-field="' + name + '"]').textContent = state[name];
    });
  }
  function ask() {
    if (!form) {
      return fetch(box.getAttribute("data-import-progress"), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
    }
    return fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "X-CSRFToken": form.querySelector("input[name=csrf_token]").value,
      },
    });
  }
  var said = -1;

  function step() {
    ask()
      .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer); })
      .then(function (state) {
        bar.value = state.percent;
        bar.textContent = state.percent + "%";
        // The status line is read out: a screen reader hears every tenth of the way,
        // not every step.
        if (state.percent === 100 || Math.floor(state.percent / 10) !== said) {
          said = Math.floor(state.percent / 10);
          show(state);
        }
        if (state.status === "done") {
          window.location.reload();
        } else {
          window.setTimeout(step, form ? 200 : 1000);
        }
      })
      .catch(function () { window.setTimeout(step, 3000); });
  }
  step();
})();
