// What the portal's pages do with JavaScript; every page works without it.
// - after a form error, the focus goes to the error summary (or the error notice);
// - a submit button is disabled while its form's request runs, enabled again when the
//   page comes back from the browser's back-forward cache;
// - the main menu starts collapsed at phone width, open on wider screens;
// - a payment waiting for the bank's confirmation asks for its status every few seconds
//   and reloads the page once it is settled.
(function () {
  "use strict";
  var RELEASE_AFTER = 20000;

  function focusFirstError() {
    var target = document.querySelector("[data-error-summary]") ||
      document.querySelector("main .notice-error");
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  // A link in the summary moves the focus to the field itself, not only scrolls to it.
  function followSummaryLinks() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
      var label = field.id && document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "center" });
    });
  }

  function submitterOf(event, form) {
    return event.submitter || form.querySelector("button[type=submit], button:not([type])");
  }

  // The button is disabled only after the browser has read the form: a disabled submitter
  // would drop its own name and value (the language switcher, «New code» rely on them).
  function holdSubmits() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (event.defaultPrevented || form.hasAttribute("data-no-hold")) return;
      if (form.getAttribute("data-busy") === "true") {
        event.preventDefault(); // a second press while the first request runs
        return;
      }
      form.setAttribute("data-busy", "true");
      var button = submitterOf(event, form);
      window.setTimeout(function () {
        if (!button) return;
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      }, 0);
      // A request that never answers (Stop pressed, the network gone) must not leave the
      // form dead: after a while the button may be pressed again.
      window.setTimeout(function () { release(form); }, RELEASE_AFTER);
    });
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-busy]"), release);
    });
  }

  function release(form) {
    form.removeAttribute("data-busy");
    Array.prototype.forEach.call(form.querySelectorAll("button[aria-busy]"), function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  }

  function menu() {
    var details = document.querySelector("[data-menu]");
    if (!details || !window.matchMedia) return;
    var summary = details.querySelector("summary");
    var wide = window.matchMedia("(min-width: 48.01rem)");
    function expanded() { summary.setAttribute("aria-expanded", String(details.open)); }
    function fit() { details.open = wide.matches; expanded(); }
    details.addEventListener("toggle", expanded);
    if (wide.addEventListener) wide.addEventListener("change", fit);
    fit();
  }

  function waitForPayment() {
    var result = document.querySelector("[data-payment-status-url]");
    if (!result || !window.fetch) return;
    var url = result.getAttribute("data-payment-status-url");
    var note = document.querySelector("[data-shown-with-script]");
    if (note) note.hidden = false;
    var every = 3000, tries = 0, most = 200; // ten minutes; then the «Refresh» button
    function ask() {
      tries += 1;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && data.status && data.status !== "pending") window.location.reload();
          else if (tries < most) window.setTimeout(ask, every);
        })
        .catch(function () { if (tries < most) window.setTimeout(ask, every); });
    }
    window.setTimeout(ask, every);
  }

  function init() {
    menu();
    focusFirstError();
    followSummaryLinks();
    holdSubmits();
    waitForPayment();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
