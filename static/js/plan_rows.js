// A plan's row buttons (add, remove, move up or down) swap the rows in place instead of
// reloading the page, and put the focus where the reload would have put it (the fragment
// of the button's formaction). The page works without this file: each button is a submit
// button of the form, and the view answers both the same way.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("form[data-plan-rows] button[name$='-row']");
    if (!button || !window.htmx) return;
    var form = button.form;
    event.preventDefault();
    var values = {};
    values[button.name] = button.value;
    var focus = (button.getAttribute("formaction") || "").split("#")[1];
    window.htmx
      .ajax("POST", window.location.pathname, {
        source: form,
        values: values,
        target: "#" + form.id,
        select: "#" + form.id,
        swap: "outerHTML",
      })
      .then(function () {
        var element = focus && document.getElementById(focus);
        if (element) element.focus();
      });
  });
})();
