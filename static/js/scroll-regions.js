/* MLHG APP – a table wider than the screen scrolls inside its .table-responsive wrapper;
   that wrapper then takes the keyboard focus (arrow keys scroll it) and is named after
   the table's caption (WCAG 2.1.1, axe "scrollable-region-focusable"). */
(function () {
  "use strict";

  function label(wrapper) {
    var caption = wrapper.querySelector("caption");
    var text = caption ? caption.textContent.trim() : "";
    return text || "Tableau défilant";
  }

  function update(root) {
    var wrappers = (root || document).querySelectorAll(".table-responsive");
    Array.prototype.forEach.call(wrappers, function (wrapper) {
      var scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
      if (scrolls && !wrapper.hasAttribute("tabindex")) {
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", label(wrapper) + " (faire défiler horizontalement)");
      } else if (!scrolls && wrapper.getAttribute("tabindex") === "0") {
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("aria-label");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { update(document); });
  window.addEventListener("resize", function () { update(document); });
})();
