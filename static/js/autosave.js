// Drafts save themselves while the user types (htmx posts the text to the autosave view).
// The page works without this file: "Save and continue" is a plain form submit.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-autosave-url]");
    if (!form || !window.htmx) return;
    var text = form.querySelector("textarea[name=text]");
    var status = document.getElementById("autosave-status");
    var dirty = false;
    var stopped = false;
    var retryDelay = 2000;

    text.setAttribute("hx-post", form.dataset.autosaveUrl);
    text.setAttribute("hx-trigger", "input changed delay:1500ms, retry");
    text.setAttribute("hx-target", "#autosave-status");
    text.setAttribute("hx-include", "[name=version], [name=csrfmiddlewaretoken]");
    text.setAttribute("hx-sync", "this:queue last");
    window.htmx.process(text);

    text.addEventListener("input", function () { dirty = true; });
    text.addEventListener("htmx:confirm", function (event) {
      if (stopped) event.preventDefault();
    });
    // A refused save (400: the text is too long) says why in the status line; the text
    // stays in the page, still unsaved, and the next change is saved again. (htmx fires
    // beforeSwap on the target, the status line.)
    status.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.xhr.status === 400) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
    text.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail.xhr;
      var status = xhr ? xhr.status : 0;
      if (status === 200) {
        dirty = false;
        retryDelay = 2000;
      } else if (status === 409) {
        stopped = true; // a conflict is settled by an explicit save, which shows both texts
      }
    });
    // The network dropped: the text stays in the page and the save is tried again.
    text.addEventListener("htmx:sendError", function () {
      status.textContent = status.dataset.offline || "Not saved: no connection. Trying again…";
      window.setTimeout(function () { window.htmx.trigger(text, "retry"); }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 60000);
    });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
