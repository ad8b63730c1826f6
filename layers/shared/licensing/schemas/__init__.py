"""Request and response bodies of the HTTP API (pydantic, strict about types and unknown fields),
one module per area so each function loads only the models it serves."""
