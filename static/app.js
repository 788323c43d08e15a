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
