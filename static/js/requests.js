// Failures are never silent. When an htmx request a person made cannot be sent (no connection),
// gets no answer in time (the page's htmx-config sets a timeout) or is refused by the server, a
// message says so right after what they pressed, announced by screen readers (role="alert"), with
// a button that sends it again. The words are the page's own, rendered through gettext into
// <body data-msg-*>. Requests the page makes by itself (polls, the event stream) stay quiet: the
// next one tries again. Without htmx the forms post as plain pages and the browser says it all.
(function () {
  "use strict";

  var BY_PERSON = /^(submit|click|change|input|keyup|search)$/;

  function say(name) { return document.body.getAttribute("data-msg-" + name) || ""; }

  function eventOf(detail) { return (detail.requestConfig && detail.requestConfig.triggeringEvent) || {}; }

  // The element that made the request (an event's own detail.elt is where the event fired).
  function actor(detail) { return detail.requestConfig && detail.requestConfig.elt; }

  function byPerson(detail) { return BY_PERSON.test(eventOf(detail).type || ""); }

  // The message goes after the form (or the pager) the person used, never inside a list.
  function anchorOf(elt) { return elt.closest("form, nav") || elt; }

  function clear(anchor) {
    var next = anchor.nextElementSibling;
    if (next && next.classList.contains("request-failed")) next.remove();
  }

  // --- a filter form and its results stay in step -------------------------------------------------
  // A form marked data-keep-in-step shows what its results show: when a change cannot be applied,
  // the fields go back to what the results were made with, and "Try again" applies the change again.
  function valuesOf(data) {
    var values = {};
    data.forEach(function (value, name) { values[name] = value; });
    return values;
  }

  function fields(form) { return valuesOf(new FormData(form)); }

  function setFields(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && Object.prototype.hasOwnProperty.call(values, el.name)) el.value = values[el.name];
    });
  }

  function remember(root) {
    var forms = root.querySelectorAll ? root.querySelectorAll("form[data-keep-in-step]") : [];
    Array.prototype.forEach.call(forms, function (form) { form.delibShown = fields(form); });
  }

  // --- the message ---------------------------------------------------------------------------------
  function resend(detail, box) {
    var elt = actor(detail), event = eventOf(detail);
    var submitter = event.submitter && document.contains(event.submitter) ? event.submitter : null;
    if (box.delibIntended) setFields(elt, box.delibIntended);
    // Focus goes back to what was pressed (or changed) before the message and its button leave.
    (submitter || elt.delibBack || elt).focus();
    box.remove();
    if (submitter) submitter.click();
    else htmx.trigger(elt, event.type);
  }

  function show(detail, message, retry) {
    var elt = actor(detail);
    if (!elt || !document.contains(elt) || !byPerson(detail)) return;
    var anchor = anchorOf(elt), event = eventOf(detail);
    var pressed = event.submitter || (event.target !== elt && event.target);
    if (pressed && pressed.focus && document.contains(pressed)) elt.delibBack = pressed;
    clear(anchor);
    var box = document.createElement("div");
    box.className = "request-failed";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = message;
    box.appendChild(text);
    if (elt.delibShown) {
      box.delibIntended = fields(elt);
      setFields(elt, elt.delibShown);
      var kept = document.createElement("p");
      kept.textContent = say("kept");
      box.appendChild(kept);
    }
    if (retry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small";
      button.textContent = say("retry");
      button.addEventListener("click", function () { resend(detail, box); });
      box.appendChild(button);
    }
    anchor.insertAdjacentElement("afterend", box);
  }

  // What the server's error page says: its message and the list of what to correct, if any.
  function refusal(page) {
    var found = page.querySelectorAll("main .error-message, main .error-message ~ ul li");
    return Array.prototype.map.call(found, function (el) { return el.textContent.trim(); }).join(" ");
  }

  function sameContent(target, html) {
    var fresh = document.createElement("template");
    fresh.innerHTML = html;
    return fresh.innerHTML.trim() === target.innerHTML.trim();
  }

  function swapStyle(detail) {
    var holder = actor(detail) && actor(detail).closest("[hx-swap]");
    return (detail.swapOverride || (holder && holder.getAttribute("hx-swap")) || htmx.config.defaultSwapStyle).split(" ")[0];
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (!detail.isError) {
      // A status region is announced when its words change, not each time a poll brings them again.
      var target = detail.target;
      if (detail.shouldSwap && target && target.matches("[aria-live], [role=status], [role=alert]") &&
          swapStyle(detail) === "innerHTML" && sameContent(target, detail.serverResponse || "")) {
        detail.shouldSwap = false;
      }
      return;
    }
    var status = detail.xhr.status, own = detail.requestConfig && detail.requestConfig.target;
    var page = new DOMParser().parseFromString(detail.xhr.responseText || "", "text/html");
    // An answer that carries the part the person acted on (a late ballot: the booth with the result
    // and why it was not counted) replaces that part; any other error page is said beside it.
    if (own && own.id && page.getElementById(own.id) && document.contains(own)) {
      detail.target = own;
      detail.selectOverride = "#" + own.id;
      detail.swapOverride = "outerHTML";
      return;
    }
    detail.shouldSwap = false;
    show(detail, refusal(page) || say("server"), status >= 500);
  });

  document.addEventListener("htmx:sendError", function (event) { show(event.detail, say("offline"), true); });
  document.addEventListener("htmx:timeout", function (event) { show(event.detail, say("timeout"), true); });

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail, elt = actor(detail);
    if (!detail.successful || !elt || !document.contains(elt)) return;
    clear(anchorOf(elt));
    // What the results are now made with: what was sent, whatever was changed meanwhile.
    if (elt.delibShown && detail.requestConfig.formData) elt.delibShown = valuesOf(detail.requestConfig.formData);
  });

  document.addEventListener("htmx:historyRestore", function () { remember(document); });
  remember(document);
})();
