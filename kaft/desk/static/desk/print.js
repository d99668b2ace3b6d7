/* Kaft desk: a button marked data-print prints the page (no inline handler: the
 * Content-Security-Policy allows only script files served by Kaft). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-print]")) { window.print(); }
  });
})();
