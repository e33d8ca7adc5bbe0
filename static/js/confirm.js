// Destructive actions ask first: a form with data-confirm="…" is sent only if the user confirms; a submit
// button may carry its own data-confirm (one form, one button per row: the button's message wins).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute && button.getAttribute("data-confirm")) ||
      (form.getAttribute && form.getAttribute("data-confirm"));
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);
})();
