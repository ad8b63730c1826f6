// Swagger UI on the dev server's /docs page, rendering docs/openapi.json as the dev server serves it.
// "Try it out" must call this dev server, whatever servers the spec lists: the page's origin replaces them
// (the page's Content-Security-Policy would block any other origin anyway).
"use strict";

(async () => {
  const root = document.getElementById("swagger-ui");
  let spec;
  try {
    const response = await fetch("/docs/openapi.json", { cache: "no-store" });
    if (!response.ok) {
      throw new Error(`GET /docs/openapi.json answered ${response.status}: ${await response.text()}`);
    }
    spec = await response.json();
  } catch (error) {
    root.textContent = `The API description could not be loaded. ${error.message}`;
    return;
  }
  spec.servers = [{ url: window.location.origin, description: "this dev server" }];
  window.ui = SwaggerUIBundle({
    spec,
    dom_id: "#swagger-ui",
    deepLinking: true,
    queryConfigEnabled: false, // no ?url= or ?configUrl=: the page shows this spec only
    validatorUrl: null, // no badge fetched from the online validator
    displayRequestDuration: true,
    filter: true,
    persistAuthorization: true, // keep the pasted keys across reloads (in this browser's localStorage)
  });
})();
