/* Live display. The stream sends the site's board whenever it changes ("board": the
   numbers called and not finished, one line per customer, and the counts waiting)
   and a "call" event for each number called since the display's last event id; a
   chime and a flash mark those. EventSource reconnects by itself (retry: 1000) and
   sends Last-Event-ID, so a restart or a lost connection loses and repeats nothing.
   Every text is shown in each of the display's languages side by side. */
(function () {
  "use strict";
  var wrap = document.querySelector(".display-wrap");
  var cfgNode = document.getElementById("display-config");
  if (!wrap || !cfgNode || !window.EventSource) return;
  var cfg = JSON.parse(cfgNode.textContent);
  var langs = cfg.languages, texts = cfg.texts;
  var list = document.getElementById("called");
  var queues = document.getElementById("queues");
  var conn = document.getElementById("conn");
  var soundBtn = document.getElementById("sound");
  var audio = null;
  var flashing = {};  // number -> time its flash ends

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* One span per language (CSS puts " / " between them); a text equal in two
     languages is shown once. */
  function multi(parent, pick) {
    var seen = {};
    texts.forEach(function (t, i) {
      var s = pick(t, langs[i]);
      if (!s || seen[s]) return;
      seen[s] = true;
      var span = el("span", "", s);
      span.lang = langs[i];
      parent.append(span);
    });
    return parent;
  }

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

  function soundLabel() {
    soundBtn.textContent = "";
    multi(soundBtn, function (t) { return audio ? t.sound_off : t.sound_on; });
  }

  soundBtn.addEventListener("click", function () {
    if (!audio) { audio = new (window.AudioContext || window.webkitAudioContext)(); chime(); }
    else { audio.close(); audio = null; }
    soundBtn.setAttribute("aria-pressed", audio ? "true" : "false");
    soundLabel();
  });

  function line(call) {
    var li = el("li");
    li.dataset.number = call.number;
    li.dataset.id = call.id;
    var arrow = el("span", "arrow", " → "); arrow.setAttribute("aria-hidden", "true");
    var place = multi(el("span", "place"), function (t, lang) { return call.place[lang] || ""; });
    li.append(el("span", "num", call.number), arrow,
              el("span", "visually-hidden", " " + texts[0].go_to + " "), place);
    if (call.recall) {
      li.append(" ");
      li.append(multi(el("span", "again"), function (t) { return t.again; }));
    }
    if ((flashing[call.number] || 0) > Date.now()) li.className = "new";
    return li;
  }

  function render(board) {
    list.replaceChildren.apply(list, board.calls.map(line));
    if (!board.calls.length) {
      list.append(multi(el("li", "empty muted"), function (t) { return t.none_called; }));
    }
    queues.replaceChildren.apply(queues, board.queues.map(function (q) {
      var li = el("li");
      li.dataset.letter = q.letter;
      li.append(el("span", "letter", q.letter), " ", el("span", "count", String(q.waiting)));
      return li;
    }));
    if (!board.queues.length) {
      queues.append(multi(el("li", "empty muted"), function (t) { return t.nobody; }));
    }
  }

  function flash(call) {
    flashing[call.number] = Date.now() + 6000;
    var li = list.querySelector('[data-number="' + CSS.escape(call.number) + '"]');
    if (li) {
      li.classList.remove("new");
      void li.offsetWidth;  // restart the animation for a recall of a number still flashing
      li.classList.add("new");
    }
    setTimeout(function () {
      var now = list.querySelector('[data-number="' + CSS.escape(call.number) + '"]');
      if (now && (flashing[call.number] || 0) <= Date.now()) now.classList.remove("new");
    }, 6100);
    chime();
  }

  var url = wrap.dataset.events + "?after=" + encodeURIComponent(wrap.dataset.last || "0");
  var es = new EventSource(url);
  es.addEventListener("board", function (e) {
    try { render(JSON.parse(e.data)); } catch (err) { /* ignore a malformed event */ }
  });
  es.addEventListener("call", function (e) {
    try { flash(JSON.parse(e.data)); } catch (err) { /* ignore a malformed event */ }
  });
  es.onopen = function () { conn.textContent = ""; };
  es.onerror = function () {
    conn.textContent = "";
    multi(conn, function (t) { return t.reconnecting; });
  };
})();
