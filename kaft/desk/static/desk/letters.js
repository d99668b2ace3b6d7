// The letters page while a print run is being made: ask for the page again every second and put
// the new progress in place; once the run is ready, load the page with its download link.
// Without this script the page has a link to show the progress again.
(function () {
  "use strict";
  var box = document.getElementById("print-run-progress");
  if (!box) {
    return;
  }
  function poll() {
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var next = page.getElementById("print-run-progress");
        if (next) {
          box.innerHTML = next.innerHTML; // the same live region, so screen readers hear it
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
