// Writing a text without knowing Markdown: a small formatting toolbar above the field, and a preview
// that follows the typing. Without this script the toolbar stays hidden, the hint under the label
// says how to write, and the "Preview" button sends the form back with the text rendered.
(function () {
  "use strict";

  // --- editing the field ---------------------------------------------------------------------------
  // execCommand("insertText") keeps the browser's undo history (Ctrl+Z undoes a bold like typing
  // would) and fires "input", so the kept draft and the preview follow; setRangeText is the fallback.
  function replace(area, start, end, text, selectFrom, selectTo) {
    area.focus();
    area.setSelectionRange(start, end);
    var done = false;
    try { done = document.execCommand("insertText", false, text); } catch (e) { done = false; }
    if (!done || area.value.slice(start, start + text.length) !== text) {
      area.setRangeText(text, start, end, "end");
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    area.setSelectionRange(start + selectFrom, start + selectTo);
  }

  // Bold and italic wrap the selected words; spaces at the selection's edges stay outside (a
  // closing "**" after a space is no closing mark), and each line is wrapped on its own (emphasis
  // cannot cross paragraphs). Pressed again on the same words, they take the marks away.
  function wrap(area, mark) {
    var value = area.value, start = area.selectionStart, end = area.selectionEnd;
    while (start < end && /\s/.test(value[start])) start++;
    while (end > start && /\s/.test(value[end - 1])) end--;
    var n = mark.length;
    var before = value.slice(Math.max(0, start - n), start), after = value.slice(end, end + n);
    var inner = value.slice(start, end);
    if (before === mark && after === mark && !(n === 1 && value.slice(start - 2, start) === "**" && value.slice(end, end + 2) === "**")) {
      replace(area, start - n, end + n, inner, 0, inner.length);
      return;
    }
    if (!inner) {
      replace(area, start, end, mark + mark, n, n);
      return;
    }
    var text = inner.split("\n").map(function (line) {
      var lead = line.match(/^\s*/)[0], trail = line.match(/\s*$/)[0], words = line.trim();
      return words ? lead + mark + words + mark + trail : line;
    }).join("\n");
    replace(area, start, end, text, text === inner ? 0 : n, text.length - (text === inner ? 0 : n));
  }

  // Headings, points and list items mark whole lines: every line the selection touches.
  function lines(area, change) {
    var value = area.value;
    var start = value.lastIndexOf("\n", area.selectionStart - 1) + 1;
    var endAt = value.indexOf("\n", Math.max(area.selectionEnd - (area.selectionEnd > area.selectionStart ? 1 : 0), start));
    var end = endAt === -1 ? value.length : endAt;
    var old = value.slice(start, end);
    var text = change(old.split("\n")).join("\n");
    replace(area, start, end, text, text.length, text.length);
  }

  var HEADING = /^#{1,6}\s+/, POINT = /^\d{1,9}(?:\.\d{1,9})*[.)]\s+/, BULLET = /^[-*+]\s+/;

  function toggleLines(prefixOf, pattern) {
    return function (rows) {
      var filled = rows.filter(function (row) { return row.trim(); });
      var all = filled.length > 0 && filled.every(function (row) { return pattern.test(row); });
      var k = 0;
      return rows.map(function (row) {
        if (!row.trim()) return row;
        if (all) return row.replace(pattern, "");
        var bare = row.replace(HEADING, "").replace(POINT, "").replace(BULLET, "");
        k += 1;
        return prefixOf(k) + bare;
      });
    };
  }

  // A link: the selected words become its text and the address is selected for typing over; a
  // selected address becomes the address, and the caret waits where the words go.
  function link(area) {
    var value = area.value, start = area.selectionStart, end = area.selectionEnd;
    var selected = value.slice(start, end).trim();
    if (/^(https?:\/\/|mailto:)\S+$/.test(selected)) {
      var made = "[](" + selected + ")";
      replace(area, start, end, made, 1, 1);
      return;
    }
    var words = selected || "";
    var text = "[" + words + "](https://)";
    var at = words.length + 3;
    replace(area, start, end, text, words ? at : 1, words ? at + 8 : 1);
  }

  var ACTIONS = {
    bold: function (area) { wrap(area, "**"); },
    italic: function (area) { wrap(area, "*"); },
    heading: function (area) { lines(area, toggleLines(function () { return "## "; }, HEADING)); },
    numbered: function (area) { lines(area, toggleLines(function (k) { return k + ". "; }, POINT)); },
    bullet: function (area) { lines(area, toggleLines(function () { return "- "; }, BULLET)); },
    link: link,
  };

  // --- the toolbar: one stop for Tab, arrows between its buttons (the ARIA toolbar pattern) --------
  function setUpToolbar(bar) {
    var area = document.getElementById(bar.getAttribute("data-md-toolbar"));
    if (!area) return;
    var buttons = Array.prototype.slice.call(bar.querySelectorAll("button[data-md]"));
    buttons.forEach(function (button, i) {
      button.tabIndex = i === 0 ? 0 : -1;
      // A mouse press would take the focus (and, in some browsers, the selection) from the field.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        buttons.forEach(function (other) { other.tabIndex = other === button ? 0 : -1; });
        ACTIONS[button.getAttribute("data-md")](area);
      });
    });
    bar.addEventListener("keydown", function (event) {
      var at = buttons.indexOf(document.activeElement);
      if (at < 0) return;
      var to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      to = (to + buttons.length) % buttons.length;
      buttons[at].tabIndex = -1;
      buttons[to].tabIndex = 0;
      buttons[to].focus();
    });
    area.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      // By the key's place, not its letter: in the Ukrainian layout the B key types «и».
      if (event.code === "KeyB") { event.preventDefault(); ACTIONS.bold(area); }
      else if (event.code === "KeyI") { event.preventDefault(); ACTIONS.italic(area); }
    });
    bar.hidden = false;
  }

  // --- the preview -----------------------------------------------------------------------------------
  // The field asks htmx for a preview through an event of its own ("delib-preview", debounced by its
  // hx-trigger), not "input": a preview nobody asked for must not raise requests.js's alarm when
  // the connection drops; the next pause in typing tries again.
  function setUpPreview(area) {
    area.addEventListener("input", function () {
      area.dispatchEvent(new CustomEvent("delib-preview"));
    });
  }

  // The "Preview" button was pressed: the preview is what the person wants next, so it gets the focus
  // (a screen reader reads its heading); previews that follow typing leave the focus in the field.
  document.addEventListener("htmx:afterSettle", function (event) {
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!elt || !elt.hasAttribute("data-preview-button")) return;
    var preview = document.getElementById("preview");
    if (preview) preview.focus();
  });

  function start() {
    document.querySelectorAll("[data-md-toolbar]").forEach(setUpToolbar);
    document.querySelectorAll("textarea[data-live-preview]").forEach(setUpPreview);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
