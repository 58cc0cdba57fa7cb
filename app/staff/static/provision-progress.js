// The import's progress bar: polls the job's small JSON URL (each poll also drives the
// import on by one chunk) and shows the page's final state once it reaches 100 %.
// Without JavaScript the page says to reload it, which does the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box || box.getAttribute("data-done") === "True") return;
  var bar = box.querySelector("progress");
  function show(state) {
    ["percent", "created", "skipped"].forEach(function (name) {
      box.querySelector('[data-field="' + name + '"]').textContent = state[name];
    });
  }
  var url = box.getAttribute("data-import-progress");
  var said = -1;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
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
          window.setTimeout(poll, 500);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
