// The retention page while the job runs: ask for the page again every two seconds and put the
// new progress in place; once the run has finished, load the page with its result. Without
// this script the page has a link to show the progress again.
(function () {
  "use strict";
  var box = document.getElementById("retention-progress");
  if (!box) {
    return;
  }
  function poll() {
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var next = page.getElementById("retention-progress");
        if (next) {
          box.innerHTML = next.innerHTML; // the same live region, so screen readers hear it
          window.setTimeout(poll, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
