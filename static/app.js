// Portaal's own few lines of script (CSP: no inline script anywhere).
// Copy buttons: <button data-copy="input-id" data-copied="Copied">.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var input = document.getElementById(button.getAttribute("data-copy"));
  if (!input) return;
  var done = function () {
    button.textContent = button.getAttribute("data-copied") || button.textContent;
  };
  input.select();
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, function () {
      if (document.execCommand("copy")) done();
    });
  } else if (document.execCommand("copy")) {
    done();
  }
});

// The Menu button of a phone-sized screen: <button class="nav-toggle"
// aria-controls="id" aria-expanded>. It shows or hides that element.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest(".nav-toggle");
  if (!toggle) return;
  var menu = document.getElementById(toggle.getAttribute("aria-controls"));
  if (!menu) return;
  var open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
  menu.classList.toggle("is-open", open);
});

// Escape closes the phone menu and gives focus back to its button.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  var toggle = document.querySelector('.nav-toggle[aria-expanded="true"]');
  if (!toggle) return;
  var menu = document.getElementById(toggle.getAttribute("aria-controls"));
  toggle.setAttribute("aria-expanded", "false");
  if (menu) menu.classList.remove("is-open");
  toggle.focus();
});

// The error summary's links: move focus to the field (or the first input of
// a group) and show its label, which a plain jump to the anchor does not.
document.addEventListener("click", function (event) {
  var link = event.target.closest(".error-summary a[href^='#']");
  if (!link) return;
  var target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  var input = target.matches("input, select, textarea, button")
    ? target
    : target.querySelector("input, select, textarea, button");
  if (!input) return;
  event.preventDefault();
  var label = document.querySelector("label[for='" + input.id + "']") ||
    target.querySelector("legend") || input;
  label.scrollIntoView({ block: "start" });
  input.focus({ preventScroll: true });
});

// A file field of ours (.file-pick): show the chosen file's name in the
// page's language instead of the browser's.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches(".file-pick input[type='file']")) return;
  var name = input.parentNode.querySelector(".file-name");
  if (!name) return;
  name.textContent = input.files && input.files.length
    ? input.files[0].name
    : name.getAttribute("data-none");
});

// Dates and times: the browser's picker speaks the browser's language and
// order, so beside every date (and date-and-time) field the chosen value is
// written out in the page's language ("zaterdag 5 december 2026 om 14:00").
function echoDate(input) {
  var id = input.id || (input.id = "d-" + Math.random().toString(36).slice(2));
  var echo = document.getElementById(id + "-echo");
  if (!echo) {
    echo = document.createElement("span");
    echo.id = id + "-echo";
    echo.className = "date-echo";
    echo.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", echo);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + echo.id);
  }
  var m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(input.value);
  if (!m || !window.Intl) {
    echo.textContent = "";
    return;
  }
  var when = new Date(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0));
  var options = { weekday: "long", day: "numeric", month: "long", year: "numeric" };
  if (m[4] !== undefined) {
    options.hour = "2-digit";
    options.minute = "2-digit";
  }
  echo.textContent = new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(when);
}
function echoDates(root) {
  root.querySelectorAll("input[type='date'], input[type='datetime-local']").forEach(echoDate);
}
document.addEventListener("DOMContentLoaded", function () { echoDates(document); });
document.addEventListener("htmx:afterSettle", function (event) { echoDates(event.target); });
document.addEventListener("input", function (event) {
  if (event.target.matches("input[type='date'], input[type='datetime-local']")) echoDate(event.target);
});

// The live permission matrix: after a tick box changes it, the resource
// that changed is highlighted and scrolled into view inside the matrix's
// own box (not the page, so the tick boxes stay where they were).
var matrixChanged = null;
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches(".scope-grid input[name='scope']")) return;
  matrixChanged = box.value.split(":")[1] || null;
});
document.addEventListener("htmx:afterSwap", function (event) {
  var region = event.target;
  if (region.id !== "matrix" || !matrixChanged) return;
  var group = region.querySelector("tbody[data-resource='" + matrixChanged + "']");
  matrixChanged = null;
  if (!group) return;
  group.classList.add("is-changed");
  var head = region.querySelector("thead");
  region.scrollTop = Math.max(0, group.offsetTop - (head ? head.offsetHeight : 0));
});

// A contact's row: after Cancel, Save or the switch (each swaps the row),
// focus goes back to the control that started it in the new row
// (data-refocus names it, data-focus-key marks it); Escape in the edit
// panel cancels the edit.
var refocus = null;
document.addEventListener("htmx:beforeRequest", function (event) {
  var from = event.detail.elt.closest("[data-refocus]");
  var row = from && from.closest("tr[id]");
  refocus = row ? { row: row.id, key: from.getAttribute("data-refocus") } : null;
});
document.addEventListener("htmx:afterSettle", function () {
  if (!refocus) return;
  var row = document.getElementById(refocus.row);
  var target = row && row.querySelector("[data-focus-key='" + refocus.key + "']");
  refocus = null;
  if (target) target.focus();
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  var panel = event.target.closest && event.target.closest("tr.editing");
  var cancel = panel && panel.querySelector(".contact-edit-cancel");
  if (!cancel) return;
  event.preventDefault();
  cancel.click();
});

// Tabs (role="tablist" of role="tab" buttons, each aria-controls its
// panel): a click or the arrow keys, Home and End choose a tab; the chosen
// panel carries .is-selected (the style sheet shows it, and without script
// shows every panel). The week's agenda on a phone is one.
function chooseTab(tab, focus) {
  tab.closest("[role='tablist']").querySelectorAll("[role='tab']").forEach(function (t) {
    var on = t === tab;
    t.setAttribute("aria-selected", on ? "true" : "false");
    t.tabIndex = on ? 0 : -1;
    var panel = document.getElementById(t.getAttribute("aria-controls"));
    if (panel) panel.classList.toggle("is-selected", on);
  });
  if (focus) tab.focus();
}
document.addEventListener("click", function (event) {
  var tab = event.target.closest("[role='tab']");
  if (tab) chooseTab(tab, false);
});
document.addEventListener("keydown", function (event) {
  var tab = event.target.closest && event.target.closest("[role='tab']");
  if (!tab || event.ctrlKey || event.metaKey || event.altKey) return;
  var tabs = Array.prototype.slice.call(
    tab.closest("[role='tablist']").querySelectorAll("[role='tab']"));
  var i = tabs.indexOf(tab);
  var next = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: tabs.length - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  chooseTab(tabs[(next + tabs.length) % tabs.length], true);
});

// Keyboard shortcuts: a key without a modifier clicks the link on the page
// that names it in aria-keyshortcuts ("ArrowLeft", "t", …), so htmx does
// what a click does; not while typing in a field, nor inside tabs (their
// arrow keys are their own).
document.addEventListener("keydown", function (event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey ||
      event.shiftKey || event.isComposing || event.repeat) return;
  var target = event.target;
  if (target.isContentEditable || (target.closest &&
      target.closest("input, select, textarea, [role='tablist'], [role='dialog']"))) return;
  var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (!shortcutLink(key)) return;
  event.preventDefault();
  // While htmx swaps, the new links may not be wired to htmx yet (a click
  // would load a whole page): the key waits until the swap has settled.
  if (htmxBusy) {
    pendingShortcut = key;
  } else {
    shortcutLink(key).click();
  }
});
function shortcutLink(key) {
  return Array.prototype.find.call(document.querySelectorAll("[aria-keyshortcuts]"), function (e) {
    return e.getAttribute("aria-keyshortcuts").split(" ").indexOf(key) >= 0 &&
      e.getClientRects().length > 0;
  });
}
var htmxBusy = false, pendingShortcut = null, htmxBusyTimer = null;
function htmxIdle() {
  htmxBusy = false;
  clearTimeout(htmxBusyTimer);
  var key = pendingShortcut;
  pendingShortcut = null;
  var link = key && shortcutLink(key);
  if (link) link.click();
}
document.addEventListener("htmx:beforeRequest", function () {
  htmxBusy = true;
  clearTimeout(htmxBusyTimer);
  htmxBusyTimer = setTimeout(htmxIdle, 3000);
});
document.addEventListener("htmx:afterSettle", htmxIdle);
document.addEventListener("htmx:afterRequest", function (event) {
  if (!event.detail.successful) htmxIdle();
});

// A search that narrows a select inside a form that saves
// (<input data-keep-enter>): Enter does not submit the form; the options
// follow the typing already.
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target.matches("input[data-keep-enter]")) {
    event.preventDefault();
  }
});
