// The important notice of the dashboard, opened in the centre of the screen.
// Without this script the <dialog> stands open at the top of the page with its form.
// - it opens as a modal: the page behind is inert, the focus moves to its button and Tab
//   stays inside it;
// - Esc or the button closes it; closing tells the portal (the same POST as the form's),
//   so it is not shown again, and the focus goes back where it was.
(function () {
  "use strict";

  function focusables(dialog) {
    return Array.prototype.filter.call(
      dialog.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]"),
      function (el) { return !el.disabled && el.tabIndex >= 0; }
    );
  }

  function trapTab(dialog) {
    dialog.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") return;
      var all = focusables(dialog);
      if (!all.length) return;
      var first = all[0], last = all[all.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    });
  }

  function remember(form) {
    if (!window.fetch) return;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      keepalive: true
    }).catch(function () { /* shown again next time: nothing lost */ });
  }

  function init() {
    var dialog = document.querySelector("dialog[data-news-pop-up]");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var form = dialog.querySelector("form");
    var before = document.activeElement;
    var back = before && before !== document.body ? before : document.getElementById("main");
    // Open in place (for a page without this script) it cannot become modal: shut it
    // without a close event, which would count as the subscriber closing it.
    dialog.removeAttribute("open");
    dialog.showModal();
    var button = form.querySelector("button");
    if (button) button.focus();
    trapTab(dialog);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      dialog.close();
    });
    // Esc and the button both end here.
    var closed = false;
    dialog.addEventListener("close", function () {
      if (closed || dialog.open) return;
      closed = true;
      remember(form);
      if (back) back.focus();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
