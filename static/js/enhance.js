// Small enhancements on top of htmx; every page works without them. This is the one script a page
// names in its <head>; it fetches the others after the first paint (the end of this file).
(function () {
  "use strict";

  // After an htmx swap that removed the focused control (an "approve" button, say), keyboard and
  // screen-reader users would be dropped at the top of the page. Move focus to the swapped region
  // instead, so they stay where they were and hear what changed.
  // Only when focus was inside what is swapped: a region that renews itself every few seconds
  // (the projector, the chair's screen) must never pull focus away from where the reader is.
  var focusWasInside = false;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    focusWasInside = !!(active && active !== document.body && event.detail.target.contains(active));
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var active = document.activeElement;
    if (!focusWasInside) return;
    focusWasInside = false;
    if (active && active !== document.body && document.contains(active)) return;
    var target = event.detail.target;
    // An outerHTML swap replaced the target itself: find its successor by id.
    if (target && !document.contains(target) && target.id) target = document.getElementById(target.id);
    if (!target || !document.contains(target)) target = document.getElementById("content");
    if (!target) return;
    // A message the swap brought ("checked in", "refused: ...") is what the reader needs to hear.
    var notice = target.querySelector(".notice[tabindex]");
    if (notice) target = notice;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: false });
  });

  // After a plain redirect (a form posted without htmx, or htmx's HX-Redirect) the page says what
  // happened in a message at its top: focus goes there, so it is read first and Tab goes on from
  // it. When the address names a part of the page (the new comment), focus goes to that instead.
  function focusMessage() {
    var flash = document.querySelector("#content > .flash[tabindex]");
    var active = document.activeElement;
    if (!flash || (active && active !== document.body)) return;
    var named = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    var target = named || flash;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: !!named });
  }

  // A draft in progress survives a lost connection: the text of a form marked data-keep-draft is
  // kept in this browser while typing, offered back if the page is opened again before the save
  // went through, and forgotten once the server confirms the save (data-forget-draft).
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function keepDrafts() {
    var store = storage();
    if (!store) return;
    document.querySelectorAll("[data-forget-draft]").forEach(function (el) {
      store.removeItem("delib-draft:" + el.getAttribute("data-forget-draft"));
    });
    document.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
      var key = "delib-draft:" + form.getAttribute("data-keep-draft");
      var area = form.querySelector("textarea[name=body], textarea[name=mine]");
      var base = form.querySelector("input[name=base]");
      if (!area) return;
      var saved = null;
      try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
      if (saved && saved.text && saved.text !== area.value) {
        area.value = saved.text;
        // The kept text was written against its own base; sending that base lets the server merge
        // it with whatever was saved since, instead of overwriting it.
        if (base && saved.base) base.value = saved.base;
        var note = form.querySelector(".draft-restored");
        if (note) note.hidden = false;
      }
      area.addEventListener("input", function () {
        store.setItem(key, JSON.stringify({ text: area.value, base: base ? base.value : "" }));
      });
    });
  }

  function start() { focusMessage(); keepDrafts(); }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// The page's other scripts, fetched once the page is painted. On a slow line the first paint waits for
// the stylesheet, and scripts requested beside it share the line with it: bench/pages.py measured the
// stylesheet in ~0.3 s later and the first paint with it. So a page lists its scripts, in order, in
// this element's data-scripts, and they are added after the window's load event, when the stylesheet
// is in.
//
// htmx 2.0 then starts on the page as soon as it runs, because the document is complete (a script
// arriving between DOMContentLoaded and load would wait for an event that has already passed).
// An extension named on <body hx-ext> must be defined before htmx reads the page, so such a body is
// kept hx-disable'd until every script has run, then processed once.
// When every script has run (or failed), <html data-scripts="ready">: the browser tests and
// bench/pages.py wait for it, as a person on a slow line waits for the page to react.
(function () {
  "use strict";

  var sources = (document.currentScript.getAttribute("data-scripts") || "").split(/\s+/).filter(Boolean);

  function release(held) {
    if (held && window.htmx) {
      document.body.removeAttribute("hx-disable");
      window.htmx.process(document.body);
    }
    document.documentElement.setAttribute("data-scripts", "ready");
  }

  function fetchScripts() {
    var held = document.body.hasAttribute("hx-ext");
    var left = sources.length;
    function settled() { if (--left === 0) release(held); }
    if (!left) { release(false); return; }
    if (held) document.body.setAttribute("hx-disable", "");
    sources.forEach(function (source) {
      var script = document.createElement("script");
      script.src = source;
      script.async = false; // run in the listed order, each as soon as it and those before it are in
      script.addEventListener("load", settled);
      script.addEventListener("error", settled);
      document.head.appendChild(script);
    });
  }

  if (document.readyState === "complete") fetchScripts();
  else window.addEventListener("load", fetchScripts);
})();
