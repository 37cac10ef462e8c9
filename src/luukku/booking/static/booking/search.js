// Step 1 of booking: the list of services follows the search words as they are typed
// (htmx); without JavaScript the form's search button does the same.
(function () {
  "use strict";
  var script = document.currentScript;
  document.addEventListener("DOMContentLoaded", function () {
    var q = document.getElementById("id_q");
    if (!q || !window.htmx || !script) return;
    q.setAttribute("hx-get", script.dataset.searchUrl);
    q.setAttribute("hx-trigger", "input changed delay:400ms, search");
    q.setAttribute("hx-target", "#services");
    q.setAttribute("hx-swap", "outerHTML");
    q.setAttribute("hx-include", "closest form");
    htmx.process(q);
  });
})();
