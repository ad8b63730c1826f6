"""Public routes that need no authentication and no database: liveness for load balancers and uptime
checks, and where a partner's people sign in (the user pool, its portal client and Cognito's endpoint)."""

from licensing.access.api import AuthConfig, auth_config
from licensing.http.contract import HEALTH, PEOPLE, operation
from licensing.http.resolver import api_handler, create_app

app = create_app(validation=False)  # no parameters or body to validate


@app.get("/health", **operation("getHealth", HEALTH, "Liveness", role="public"))
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/v1/auth/config", **operation("getAuthConfig", PEOPLE, "Where people sign in", role="public"))
def config() -> AuthConfig:
    return auth_config()


lambda_handler = api_handler(app)
