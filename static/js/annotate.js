// Selecting words in a document offers to comment on them or to propose an amendment.
// Without JavaScript the links beside each paragraph do the same for whole paragraphs.
(function () {
  "use strict";

  var bar = null;

  function unitOf(node) {
    while (node && node.nodeType !== 1) node = node.parentNode;
    return node ? node.closest(".unit[id^='p-']") : null;
  }

  function removeBar() {
    if (bar && bar.parentNode) bar.parentNode.removeChild(bar);
    bar = null;
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.className = "button button-small";
    a.textContent = text;
    return a;
  }

  function offer(article) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0);
    var unit = unitOf(range.startContainer);
    if (!unit || unit !== unitOf(range.endContainer) || !article.contains(unit)) return;
    var quote = selection.toString().replace(/\s+/g, " ").trim();
    if (!quote) return;
    var query = "?pid=" + encodeURIComponent(unit.id.slice(2)) + "&quote=" + encodeURIComponent(quote);
    removeBar();
    bar = document.createElement("div");
    bar.className = "selection-bar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", article.getAttribute("data-label-comment"));
    bar.appendChild(link(article.getAttribute("data-annotate") + query, article.getAttribute("data-label-comment")));
    bar.appendChild(link(article.getAttribute("data-amend") + query + "&kind=replace", article.getAttribute("data-label-amend")));
    // Placed right after the paragraph, in the reading order, so keyboard and screen-reader
    // users reach it next.
    unit.insertAdjacentElement("afterend", bar);
  }

  function init() {
    var article = document.querySelector("article[data-annotate]");
    if (!article) return;
    // Selecting words does something only with this file, so only now is the hint true.
    document.querySelectorAll(".selection-hint").forEach(function (hint) { hint.hidden = false; });
    article.addEventListener("mouseup", function () { window.setTimeout(function () { offer(article); }, 0); });
    article.addEventListener("keyup", function (event) { if (event.shiftKey) offer(article); });
    article.addEventListener("touchend", function () { window.setTimeout(function () { offer(article); }, 300); });
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      if (bar && selection && selection.isCollapsed && !bar.contains(document.activeElement)) {
        window.setTimeout(function () { if (window.getSelection().isCollapsed && bar && !bar.contains(document.activeElement)) removeBar(); }, 400);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
