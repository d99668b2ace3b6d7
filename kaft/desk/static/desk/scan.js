/* Kaft desk: every scan (and every button marked data-queue) goes into one queue, and the queue
 * sends one request at a time, strictly in order, rendering each answer before the next request.
 * A barcode scanner types a dozen characters and Enter within a few milliseconds: the field is
 * emptied at once and keeps the focus, so the next scan is never lost or mixed with this one.
 *
 * The server answers JSON: {append: "<tr>", replace: {id: "html"}, clear: bool, announce: "",
 * member: "id", loan: {row, heading, due}} (member only when the member being served changed;
 * loan after a plain lend: its row goes into the member panel's loans table). Each scan sends the id of
 * the member this page shows, read when the request leaves, so the server can refuse a scan
 * when another tab has switched to someone else; a refusal is 409 with {error: "message"}.
 *
 * A request that fails (refused, error, no connection, logged out) stops the queue: every scan
 * still waiting is marked "not processed" and nothing more is sent until staff scan again. Had
 * the queue carried on after, say, a card scan that failed, the items scanned next would have
 * been lent to the member served before. The failed scan itself says "not processed" only when
 * that is certain (refused, or the login page came back); without an answer, or with a server
 * error, it may have been done: it says so (data-unsure-text), and staff check the member's
 * loans. A scan done whose result the server could not draw answers {processed: "message"}:
 * the row says it was done and the queue carries on.
 *
 * Without this script the same forms post normally and the server redirects back to the page.
 *
 * A refused scan (a row marked "refused", or a request that failed) plays a short sound, so staff
 * notice without looking. The switch "sound on a refused scan" turns it off; the choice is kept in
 * this browser's localStorage under a key per staff user (data-sound-key).
 *
 * A refused lend of a copy still on loan to another member offers "return first, then lend"
 * (a form marked data-hand-over in its row). Alt+Enter sends the newest offer; each offer is sent
 * once, its form is taken away as it goes.
 */
(function () {
  "use strict";

  var queue = [];
  var busy = false;

  function scanForm() { return document.querySelector("form[data-scan]"); }
  function scanField() { return document.querySelector("[data-scan-field]"); }
  function scanLog() {
    var form = scanForm();
    return form ? document.getElementById(form.getAttribute("data-scan-log")) : null;
  }
  function text(name) {
    var form = scanForm();
    return (form && form.getAttribute(name)) || "";
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function rowFrom(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  function pendingRow(value) {
    var row = document.createElement("tr");
    row.className = "scan-row pending";
    var cell = document.createElement("td");
    cell.textContent = value;
    var wait = document.createElement("td");
    wait.colSpan = 2;
    wait.textContent = text("data-pending-text") || "…";
    row.appendChild(cell);
    row.appendChild(wait);
    var log = scanLog();
    if (log) { log.appendChild(row); }
    return row;
  }

  function enqueue(job) {
    queue.push(job);
    pump();
  }

  function pump() {
    if (busy || queue.length === 0) { return; }
    busy = true;
    var job = queue.shift();
    if (job.scan) { job.body.set("member", shownMember()); }
    fetch(job.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": job.csrf },
      body: job.body
    }, function () {
      throw new Unsure();  // no answer: the request may have arrived and been done
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        // A server error may come after the work was done; anything else (a login page) was not.
        if (response.status >= 500) { throw new Unsure(); }
        throw new Error("not processed: " + response.status);
      }
      return response.json().then(function (answer) {
        if (!response.ok) { throw new Refusal(answer.error); }
        return answer;
      });
    }).then(function (answer) {
      apply(answer, job);
    }).catch(function (error) {
      if (error instanceof Unsure && text("data-unsure-text")) {
        failed(job, text("data-unsure-text"), "unsure");
      } else {
        failed(job, error instanceof Refusal ? error.message : "");
      }
      stop();
    }).then(function () {
      busy = false;
      keepFocus();
      pump();
    });
  }

  function Refusal(message) { this.message = message || ""; }
  function Unsure() {}

  function soundSwitch() { return document.querySelector("[data-sound-switch]"); }

  function soundOn() {
    var box = soundSwitch();
    return Boolean(box && box.checked);
  }

  function refusedSound() {
    var box = soundSwitch();
    if (!soundOn()) { return; }
    try {
      var played = new Audio(box.getAttribute("data-sound-src")).play();
      if (played && played.catch) { played.catch(function () {}); }
    } catch (error) { /* no sound: the row still says it */ }
  }

  function rememberSound() {
    var box = soundSwitch();
    if (!box) { return; }
    var key = box.getAttribute("data-sound-key");
    try {
      var kept = window.localStorage.getItem(key);
      if (kept !== null) { box.checked = kept === "on"; }
    } catch (error) { /* storage blocked: the switch starts on */ }
    box.addEventListener("change", function () {
      try { window.localStorage.setItem(key, box.checked ? "on" : "off"); } catch (error) { /* kept for this page only */ }
      keepFocus(true);
    });
  }

  function shownMember() {
    var input = document.querySelector("[data-scan-member]");
    return input ? input.value : "";
  }

  function apply(answer, job) {
    var log = scanLog();
    if (answer.processed) {  // done and kept, but the server could not draw the result
      var row = job.placeholder || pendingRow("—");
      row.className = "scan-row processed";
      row.lastChild.textContent = answer.processed;
      announce(answer.announce || answer.processed);
      return;
    }
    var member = document.querySelector("[data-scan-member]");
    if (member && typeof answer.member === "string") { member.value = answer.member; }
    if (answer.clear && log) {
      Array.prototype.slice.call(log.querySelectorAll("tr:not(.pending)")).forEach(function (row) {
        row.remove();
      });
    }
    Object.keys(answer.replace || {}).forEach(function (id) {
      var target = document.getElementById(id);
      if (target) { target.innerHTML = answer.replace[id]; }
    });
    if (answer.loan) { addLoan(answer.loan); }
    if (answer.append) {
      var content = rowFrom(answer.append);
      var row = content.firstElementChild;
      if (job.placeholder && job.placeholder.isConnected) {
        job.placeholder.replaceWith(content);
      } else if (log) {
        log.appendChild(content);
      }
      if (row && row.scrollIntoView) { row.scrollIntoView({ block: "nearest" }); }
      if (row && row.classList.contains("refused")) { refusedSound(); }
    } else if (job.placeholder) {
      job.placeholder.remove();
    }
    announce(answer.announce || "");
  }

  // A loan just made goes into the member panel's loans table, in due-date order (the order the
  // server draws the table in: due date, then the oldest loan first), and the count above it.
  function addLoan(loan) {
    var section = document.getElementById("member-loans");
    var body = section ? section.querySelector("table.loans tbody") : null;
    if (!body) { return; }
    var row = rowFrom(loan.row).firstElementChild;
    if (!row) { return; }
    var later = Array.prototype.filter.call(body.querySelectorAll("tr[data-due]"), function (one) {
      return one.getAttribute("data-due") > loan.due;
    })[0];
    body.insertBefore(row, later || null);
    var heading = section.querySelector("h3");
    var fresh = rowFrom(loan.heading).firstElementChild;
    if (heading && fresh) { heading.replaceWith(fresh); }
  }

  function failed(job, message, kind) {
    message = message || text("data-failed-text");
    mark(job.placeholder || pendingRow("—"), message, kind);
    announce(message);
    refusedSound();
  }

  // Nothing queued after a failure is sent: it might have been meant for another member.
  function stop() {
    var skipped = text("data-skipped-text") || text("data-failed-text");
    queue.splice(0).forEach(function (job) {
      if (job.placeholder) { mark(job.placeholder, skipped); }
    });
  }

  function mark(row, message, kind) {
    row.className = "scan-row refused " + (kind || "not-processed");
    row.lastChild.textContent = message;
  }

  function announce(message) {
    var status = document.getElementById("scan-status");
    if (status) { status.textContent = message; }
  }

  function keepFocus(always) {
    var active = document.activeElement;
    var field = scanField();
    if (field && (always || !active || active === document.body || !active.isConnected)) {
      field.focus();
    }
  }

  function handOver(form) {
    var body = new URLSearchParams(new FormData(form));
    form.remove();
    enqueue({ url: form.action, body: body, csrf: csrfToken(form) });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-scan")) {
      event.preventDefault();
      var field = scanField();
      var value = field.value.trim();
      field.value = "";
      field.focus();
      if (!value) { return; }
      var body = new URLSearchParams();
      body.set("value", value);
      body.set("csrfmiddlewaretoken", csrfToken(form));
      enqueue({
        url: form.action, body: body, csrf: csrfToken(form), placeholder: pendingRow(value), scan: true
      });
    } else if (form.hasAttribute("data-hand-over")) {
      event.preventDefault();
      handOver(form);
      keepFocus(true);
    } else if (form.hasAttribute("data-queue")) {
      event.preventDefault();
      enqueue({ url: form.action, body: new URLSearchParams(new FormData(form)), csrf: csrfToken(form) });
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.altKey && !event.ctrlKey && !event.metaKey) {
      var log = scanLog();
      var offers = log ? log.querySelectorAll("form[data-hand-over]") : [];
      if (offers.length === 0) { return; }
      event.preventDefault();
      handOver(offers[offers.length - 1]);
      keepFocus(true);
      return;
    }
    if (event.key !== "Escape" || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var end = document.querySelector("form[data-escape]");
    if (!end) { return; }
    event.preventDefault();
    var field = scanField();
    if (field) { field.value = ""; field.focus(); }
    enqueue({ url: end.action, body: new URLSearchParams(new FormData(end)), csrf: csrfToken(end) });
  });
  rememberSound();
})();
