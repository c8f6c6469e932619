// The chair's console: "select all" for the bulk check-in, and focus on the message after an action.
// Without JavaScript the checkboxes are ticked one by one and every form reloads the console.
(function () {
  "use strict";

  function wireSelectAll(root) {
    root.querySelectorAll("[data-select-all]").forEach(function (box) {
      var holder = box.closest("[hidden]");
      if (holder) holder.hidden = false;
      var name = box.getAttribute("data-select-all");
      var form = box.form;
      box.addEventListener("change", function () {
        form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (each) {
          each.checked = box.checked;
        });
      });
    });
  }

  function start() {
    wireSelectAll(document);
    document.addEventListener("htmx:afterSwap", function (event) {
      var target = event.detail.target || event.target;
      if (!target || !target.querySelector) return;
      wireSelectAll(target.parentNode || document);
      // After the chair's own action (not a poll) the button pressed is gone: focus the message instead.
      if (event.detail.requestConfig && event.detail.requestConfig.verb === "post") {
        var fresh = document.getElementById(target.id) || target;
        var notice = fresh.querySelector(".notice");
        if (notice) notice.focus();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
