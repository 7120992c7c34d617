// "Copy link" under events and articles: progressive enhancement only. Without JavaScript,
// or without the Clipboard API (it needs HTTPS), the button stays hidden and the link can be
// selected and copied from its field like any text.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.status);
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () {
          if (status) {
            status.textContent = button.dataset.copied;
          }
        },
        function () {
          field.focus();
          field.select();
          if (status) {
            status.textContent = button.dataset.failed;
          }
        }
      );
    });
  });
})();
