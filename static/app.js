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
