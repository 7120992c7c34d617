// The events filters (templates/events/index.html), enhanced: a changed choice applies at
// once (the "Filter" button stays for the search box and for anyone without script), and on
// a wide screen the "Filters" fold opens by itself (a phone keeps it folded until asked).
(function () {
  "use strict";
  var form = document.querySelector("form.filters[data-autosubmit]");
  if (!form) return;
  form.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.name && field.name !== "q") {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
  var fold = form.closest("details.filters-fold");
  if (fold && window.matchMedia("(min-width: 40rem)").matches) {
    fold.open = true;
    fold.classList.add("is-wide");
  }
})();
