"""Call a route's function directly, past the gateway and its authorizer (for call budgets)."""

from __future__ import annotations

import json
from typing import Any

from devtools.gateway import LambdaContext, LocalGateway, api_event
from tests.support.clients import Partner


def invoke(
    gateway: LocalGateway, partner: Partner | None, method: str, path: str, body: Any = None, **headers: str
):
    """Call the route's function the way API Gateway does after the authorizer allowed the request."""
    route, params = next((r, p) for r in gateway.routes if (p := r.match(method, path)) is not None)
    raw = json.dumps(body) if body is not None else None
    event = api_event(route, path, params, headers, {}, raw, False, "req-budget")
    if partner is not None:
        event["requestContext"]["authorizer"] = {
            "principalId": partner.key_id,
            "role": "partner",
            "partner_id": partner.id,
            "api_key_id": partner.key_id,
            "partner_role": "owner",  # the tests' keys are their partner's owner keys
        }
    result = gateway.handler(route.module)(event, LambdaContext(route.module))
    return result["statusCode"], json.loads(result["body"]) if result.get("body") else None
