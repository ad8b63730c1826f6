"""A partner's people signed in through moto's Cognito, in process: the JWKS the authorizer fetches and
the sign-in flow (temporary password, NEW_PASSWORD_REQUIRED, new password, tokens).

In-process moto cannot serve the JWKS to urllib, so only `tokens.fetch_jwks` is replaced, by FakeJwks:
it checks it is asked for the pool's well-known URL and answers moto's published JWKS. The signature
and claim checks stay the real ones."""

from __future__ import annotations

import json
from typing import Any

import boto3
from moto.utilities.utils import load_resource

from devtools.user_pool import UserPool

PUBLIC_JWKS = load_resource("cognitoidp/resources/jwks-public.json")
FINAL_PASSWORD = "Final-Passw0rd!y"


class FakeJwks:
    """`tokens.fetch_jwks` for in-process moto: the pool's URL only, moto's public keys, counted."""

    def __init__(self, pool: UserPool) -> None:
        self.expected = f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}/.well-known/jwks.json"
        self.calls = 0

    def __call__(self, url: str) -> dict[str, Any]:
        assert url == self.expected
        self.calls += 1
        return json.loads(json.dumps(PUBLIC_JWKS))


def sign_in(
    pool: UserPool,
    email: str,
    temporary: str,
    client_id: str | None = None,
    new_password: str = FINAL_PASSWORD,
) -> dict[str, str]:
    """USER_PASSWORD_AUTH with the temporary password, NEW_PASSWORD_REQUIRED, then the tokens."""
    cognito = boto3.client("cognito-idp")
    client_id = client_id or pool.client_id
    started = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": temporary},
    )
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    answered = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password},
    )
    result = answered["AuthenticationResult"]
    return {"id": result["IdToken"], "access": result["AccessToken"]}
