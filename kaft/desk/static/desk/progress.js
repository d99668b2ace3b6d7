// A page while a job runs in the background (the retention run, a letters print run): the
// element marked data-poll-every="<ms>" holds the progress. Ask for the page again after that
// many milliseconds and put the new progress in place; once the element is gone from the page
// (the job finished), load the page with its result. Without this script the page has a link to
// show the progress again.
(function () {
  "use strict";
  var box = document.querySelector("[data-poll-every]");
  if (!box || !box.id) {
    return;
  }
  var every = parseInt(box.getAttribute("data-poll-every"), 10) || 2000;
  function poll() {
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var next = page.getElementById(box.id);
        if (next) {
          box.innerHTML = next.innerHTML; // the same live region, so screen readers hear it
          window.setTimeout(poll, every);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, every);
})();
