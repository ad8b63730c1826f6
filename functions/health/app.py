"""Liveness for load balancers and uptime checks: no authentication, no database."""

from licensing.http.contract import HEALTH, operation
from licensing.http.resolver import api_handler, create_app

app = create_app(validation=False)  # no parameters or body to validate


@app.get("/health", **operation("getHealth", HEALTH, "Liveness", role="public"))
def health() -> dict[str, str]:
    return {"status": "ok"}


lambda_handler = api_handler(app)
