"""Create the Cognito user pool and app client described by template.yaml, for tests and the dev server
(on moto's cognito-idp), and set the environment the functions read them from.

The `UserPool` and `UserPoolClient` resources are the single source of truth: their Properties are
CloudFormation's spelling of CreateUserPool's and CreateUserPoolClient's parameters."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from devtools.table import TEMPLATE_PATH, _CloudFormationLoader

# CloudFormation-only properties, or ones CreateUserPool spells differently.
_POOL_RENAMED = {"UserPoolName": "PoolName"}
_POOL_DROPPED = ("UserPoolTags", "EnabledMfas")  # EnabledMfas: SetUserPoolMfaConfig's, below


class UserPool(NamedTuple):
    id: str
    client_id: str
    region: str

    @property
    def environment(self) -> dict[str, str]:
        return {"USER_POOL_ID": self.id, "USER_POOL_CLIENT_ID": self.client_id}


@cache
def _resources(template_path: Path) -> dict[str, Any]:
    with template_path.open(encoding="utf-8") as stream:
        template = yaml.load(stream, Loader=_CloudFormationLoader)  # noqa: S506 - a SafeLoader subclass
    return template["Resources"]


def pool_properties(template_path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    properties = dict(_resources(template_path)["UserPool"]["Properties"])
    for name in _POOL_DROPPED:
        properties.pop(name, None)
    return {_POOL_RENAMED.get(name, name): value for name, value in properties.items()}


def client_properties(template_path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    properties = dict(_resources(template_path)["UserPoolClient"]["Properties"])
    properties.pop("UserPoolId")
    return properties


def create_user_pool(client: Any, name: str = "licensing-people") -> UserPool:
    """The template's pool (named `name`) and its portal client, made with a cognito-idp `client`."""
    properties = pool_properties() | {"PoolName": name}
    pool_id = client.create_user_pool(**properties)["UserPool"]["Id"]
    enabled = _resources(TEMPLATE_PATH)["UserPool"]["Properties"].get("EnabledMfas", [])
    client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": "SOFTWARE_TOKEN_MFA" in enabled},
        MfaConfiguration=properties.get("MfaConfiguration", "OFF"),
    )
    client_id = client.create_user_pool_client(UserPoolId=pool_id, **client_properties())["UserPoolClient"][
        "ClientId"
    ]
    return UserPool(pool_id, client_id, client.meta.region_name)


def apply(pool: UserPool) -> dict[str, str | None]:
    """Point the functions at `pool`; returns the previous values, for `restore`."""
    previous = {name: os.environ.get(name) for name in pool.environment}
    os.environ.update(pool.environment)
    return previous


def restore(previous: dict[str, str | None]) -> None:
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
