// Progressive enhancement only: every page works without this file.
// htmx requests carry the CSRF token from the body's data attribute.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.body.getAttribute("data-csrf");
  if (token) { event.detail.headers["X-CSRF-Token"] = token; }
});
