"""Make moto's Cognito challenge look like Cognito's, for the portal's sign-in library.

Cognito's NEW_PASSWORD_REQUIRED challenge carries the user's attributes and the attributes still
required, as JSON strings (`userAttributes`, `requiredAttributes`); amazon-cognito-identity-js parses
both before it asks for the new password. moto 5.2 sends neither, and the library fails with
`"undefined" is not valid JSON`. Inside `cognito_challenges_as_in_aws()` moto's answers carry them
(the user's e-mail, nothing required: the pool requires only the e-mail, set by the invitation).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from moto.cognitoidp.models import CognitoIdpBackend

NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"  # noqa: S105 - a challenge name


def _with_attributes(backend: CognitoIdpBackend, answer: dict[str, Any], pool_of: Callable[[], Any]) -> None:
    if answer.get("ChallengeName") != NEW_PASSWORD_REQUIRED:
        return
    parameters = answer.setdefault("ChallengeParameters", {})
    attributes: dict[str, str] = {}
    pool = pool_of()
    if pool is not None:
        user = backend.admin_get_user(pool.id, parameters.get("USERNAME", ""))
        attributes = {a["Name"]: a["Value"] for a in user.attributes if a["Name"] in ("email",)}
    parameters.setdefault("userAttributes", json.dumps(attributes))
    parameters.setdefault("requiredAttributes", "[]")


def _pool_of_client(backend: CognitoIdpBackend, client_id: str) -> Any:
    return next((pool for pool in backend.user_pools.values() if client_id in pool.clients), None)


@contextmanager
def cognito_challenges_as_in_aws() -> Iterator[None]:
    initiate = CognitoIdpBackend.initiate_auth
    respond = CognitoIdpBackend.respond_to_auth_challenge

    def initiate_auth(self: CognitoIdpBackend, client_id: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        answer: dict[str, Any] = initiate(self, client_id, *args, **kwargs)
        _with_attributes(self, answer, lambda: _pool_of_client(self, client_id))
        return answer

    def respond_to_auth_challenge(
        self: CognitoIdpBackend, session: str, client_id: str, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        answer: dict[str, Any] = respond(self, session, client_id, *args, **kwargs)
        _with_attributes(self, answer, lambda: _pool_of_client(self, client_id))
        return answer

    with (
        mock.patch.object(CognitoIdpBackend, "initiate_auth", initiate_auth),
        mock.patch.object(CognitoIdpBackend, "respond_to_auth_challenge", respond_to_auth_challenge),
    ):
        yield
