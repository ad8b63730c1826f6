"""REQUEST authorizer: turns `Authorization: Bearer <key or token>` into a partner, distributor or admin
identity. The value is a partner API key, a distributor's, the admin key, or a person's Cognito ID or
access token, verified here (licensing.access.tokens: RS256 against the pool's cached JWKS, issuer,
client, `token_use`, expiry) before one read of the person's item: only an active person passes, with the
partner and role of that item, never the token's own attributes.

Unknown, malformed or revoked keys, bad tokens and people no longer active raise "Unauthorized" (API
Gateway answers 401); a partner's key or person gets a policy that allows /v1/* except /v1/admin/* and
/v1/distributor/* (403), a distributor key one that allows only /v1/distributor/*. The policy uses
wildcards, so it stays correct when API Gateway caches it for other routes. The context carries the
partner role, the person's id and e-mail for the resolver. No key or token is ever logged.
"""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
    HttpVerb,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from licensing.access import api_keys
from licensing.infra import secrets
from licensing.infra.observability import logger
from licensing.infra.tracing import traced


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@event_source(data_class=APIGatewayAuthorizerRequestEvent)
@traced
def lambda_handler(event: APIGatewayAuthorizerRequestEvent, context: LambdaContext) -> dict[str, Any]:
    identity = api_keys.authenticate(event.headers.get("Authorization"), secrets.admin_key)
    if identity is None:
        logger.info(
            "Refused an unknown, malformed or revoked key or token", extra={"resource": event.get("resource")}
        )
        raise Exception("Unauthorized")

    principal_id = identity.api_key_id or identity.user_id or "admin"
    context_values = {
        "role": identity.role,
        "partner_id": identity.partner_id or "",
        "api_key_id": identity.api_key_id or ("admin" if identity.role == "admin" else ""),
        "distributor_id": identity.distributor_id or "",
        "partner_role": identity.partner_role or "",
        "user_id": identity.user_id or "",
        "email": identity.email or "",
    }
    policy = APIGatewayAuthorizerResponse.from_route_arn(
        event.method_arn, principal_id, context=context_values
    )
    if identity.role == "distributor":
        policy.allow_route(HttpVerb.ALL.value, "/v1/distributor/*")
        return policy.asdict()
    policy.allow_route(HttpVerb.ALL.value, "/v1/*")
    if identity.role != "admin":
        policy.deny_route(HttpVerb.ALL.value, "/v1/admin/*")
        policy.deny_route(HttpVerb.ALL.value, "/v1/distributor/*")
    return policy.asdict()
