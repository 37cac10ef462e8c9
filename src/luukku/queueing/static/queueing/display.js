/* Live display: Server-Sent Events push each call; a chime and a flash mark it.
   EventSource reconnects by itself (the server sends retry: 1000) and resumes
   from Last-Event-ID, so a server restart loses no call. */
(function () {
  "use strict";
  var wrap = document.querySelector(".display-wrap");
  if (!wrap || !window.EventSource) return;
  var T = window.LUUKKU_DISPLAY || {};
  var list = document.getElementById("called");
  var conn = document.getElementById("conn");
  var soundBtn = document.getElementById("sound");
  var audio = null;
  var MAX = 8;

  function chime() {
    if (!audio) return;
    var t = audio.currentTime;
    [660, 880].forEach(function (f, i) {
      var o = audio.createOscillator(), g = audio.createGain();
      o.type = "sine"; o.frequency.value = f;
      g.gain.setValueAtTime(0.0001, t + i * 0.35);
      g.gain.exponentialRampToValueAtTime(0.3, t + i * 0.35 + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.35 + 0.6);
      o.connect(g); g.connect(audio.destination);
      o.start(t + i * 0.35); o.stop(t + i * 0.35 + 0.65);
    });
  }

  soundBtn.addEventListener("click", function () {
    if (!audio) { audio = new (window.AudioContext || window.webkitAudioContext)(); chime(); }
    else { audio.close(); audio = null; }
    soundBtn.setAttribute("aria-pressed", audio ? "true" : "false");
    soundBtn.textContent = audio ? T.soundOff : T.soundOn;
  });

  function show(call) {
    var empty = list.querySelector(".empty");
    if (empty) empty.remove();
    var old = list.querySelector('[data-number="' + call.number + '"]');
    if (old) old.remove();
    var li = document.createElement("li");
    li.dataset.number = call.number;
    li.dataset.id = call.id;
    li.className = "new";
    var num = document.createElement("span"); num.className = "num"; num.textContent = call.number;
    var arrow = document.createElement("span"); arrow.className = "arrow"; arrow.setAttribute("aria-hidden", "true"); arrow.textContent = " → ";
    var hidden = document.createElement("span"); hidden.className = "visually-hidden"; hidden.textContent = " " + T.goTo + " ";
    var place = document.createElement("span"); place.className = "place"; place.textContent = call.label;
    li.append(num, arrow, hidden, place);
    if (call.recall) { var r = document.createElement("span"); r.className = "again"; r.textContent = " (" + T.recall + ")"; li.append(r); }
    list.prepend(li);
    while (list.children.length > MAX) list.lastElementChild.remove();
    setTimeout(function () { li.classList.remove("new"); }, 6000);
    chime();
  }

  var url = wrap.dataset.events + "?after=" + encodeURIComponent(wrap.dataset.last || "0");
  var es = new EventSource(url);
  es.addEventListener("call", function (e) {
    try { show(JSON.parse(e.data)); } catch (err) { /* ignore a malformed event */ }
  });
  es.onopen = function () { conn.textContent = ""; };
  es.onerror = function () { conn.textContent = T.reconnecting; };
})();
