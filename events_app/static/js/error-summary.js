// The error summary (templates/_error_summary.html): focus it when the page loads, so a
// screen reader reads the problems and a keyboard starts from them; a link in it moves focus
// to its control (a fragment link alone only scrolls) and shows the control's label too.
(function () {
  "use strict";

  function labelFor(control) {
    var fieldset = control.closest("fieldset");
    if (fieldset && fieldset.querySelector("legend")) {
      return fieldset.querySelector("legend");
    }
    return control.id ? document.querySelector('label[for="' + control.id + '"]') : null;
  }

  function focusable(target) {
    if (target.matches("input, select, textarea, button")) {
      return target;
    }
    return target.querySelector("input, select, textarea, button") || target;
  }

  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) {
        return;
      }
      event.preventDefault();
      var control = focusable(target);
      var label = labelFor(control);
      (label || control).scrollIntoView();
      control.focus({ preventScroll: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
