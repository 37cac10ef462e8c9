// Behaviour the pages need without inline script (the Content-Security-Policy allows
// scripts from this site only): print buttons, and the desk panel's refresh.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // The desk panel refreshes itself every few seconds, but not while the official is
  // typing, has a section open in it or is asked to confirm an action.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var panel = event.detail.elt;
    if (!panel || !panel.matches || !panel.matches("[data-pause-while-busy]")) return;
    if (event.detail.requestConfig && event.detail.requestConfig.triggeringEvent &&
        event.detail.requestConfig.triggeringEvent.type !== "every") {
      return;
    }
    if (panel.querySelector(":focus-within, details[open], [data-busy]")) event.preventDefault();
  });

  // A refused action (4xx: "recall the number first", "not your customer") answers with
  // the panel and its reason; htmx would drop any 4xx answer unseen, so the panel takes it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if (status >= 400 && status < 500 && target && target.closest("[data-swap-4xx]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
