/* Live site overview: the site's display stream says when something changed (a number
   taken, called, finished); the overview's body is then fetched again. Also every
   30 s, as waits grow without events. Without JavaScript the Refresh link does it. */
(function () {
  "use strict";
  var box = document.getElementById("live");
  if (!box || !window.fetch) return;
  var url = box.dataset.partUrl, pending = null;

  function refresh() {
    pending = null;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) box.innerHTML = html; })
      .catch(function () {});
  }

  function soon() { if (!pending) pending = setTimeout(refresh, 300); }

  if (window.EventSource && box.dataset.eventsUrl) {
    var stream = new EventSource(box.dataset.eventsUrl);
    stream.addEventListener("board", soon);
    stream.addEventListener("call", soon);
  }
  setInterval(refresh, 30000);
})();
