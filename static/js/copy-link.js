// "Copy link" beside each point of a resolution. The ¶ link is the point's address and works
// without this file; this adds a button that copies the absolute address in one press, and says
// so through the page's live region (#copy-status) for screen-reader users.
(function () {
  "use strict";

  function start() {
    var status = document.getElementById("copy-status");
    // The Clipboard API exists only in secure contexts (HTTPS, localhost); elsewhere the ¶ link stays.
    if (!status || !navigator.clipboard || !window.isSecureContext) return;

    function announce(text) {
      // Emptied first, so the same words are announced again on the next copy.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 100);
    }

    // Seen as well as heard, in the button itself: its sign turns into a tick and its words say
    // "Link copied" for a few seconds (on a phone, where only the sign shows, the tick does).
    function shown(button, text) {
      var words = button.querySelector(".copy-link-text");
      if (!button.doneTimer) {
        // The sign is swapped out, not hidden: its own display rule would win over [hidden].
        var tick = document.createElement("span");
        tick.className = "copy-done";
        tick.setAttribute("aria-hidden", "true");
        tick.textContent = "\u2713";
        button.sign = button.replaceChild(tick, button.querySelector(".copy-sign"));
        button.words = words.textContent;
      }
      words.textContent = " " + text;
      window.clearTimeout(button.doneTimer);
      button.doneTimer = window.setTimeout(function () {
        button.replaceChild(button.sign, button.querySelector(".copy-done"));
        words.textContent = button.words;
        button.doneTimer = 0;
      }, 3000);
    }

    document.querySelectorAll("a.permalink[data-copy-url]").forEach(function (link) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-link link-button";
      // On a phone only the sign shows, so the text keeps its width; the label names it in full.
      var sign = document.createElement("span");
      sign.setAttribute("aria-hidden", "true");
      sign.className = "copy-sign";
      var words = document.createElement("span");
      words.className = "copy-link-text";
      words.textContent = " " + status.getAttribute("data-button");
      button.append(sign, words);
      button.setAttribute("aria-label", link.getAttribute("data-copy-label"));
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(link.getAttribute("data-copy-url")).then(function () {
          announce(status.getAttribute("data-copied"));
          shown(button, status.getAttribute("data-copied"));
        }, function () {
          announce(status.getAttribute("data-failed"));
        });
      });
      link.insertAdjacentElement("afterend", button);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
