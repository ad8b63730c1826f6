"""People on the dev server, over real HTTP: it runs moto's Cognito beside its DynamoDB, answers where to
sign in (`GET /v1/auth/config`), and seeds the demo partner's owner, whose temporary password the banner
prints. Signing in through that Cognito (InitiateAuth, NEW_PASSWORD_REQUIRED, a new password) gives
tokens the authorizer accepts: it fetches the pool's JWKS from moto over HTTP, as it would from Cognito.
The banner's own sign-in commands (curl, bash) run as printed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest

from devtools import banner
from tests.support.devserver import ADMIN_KEY, Running, assert_problem, call, running_devserver

pytestmark = pytest.mark.server
NEW_PASSWORD = "Another-Passw0rd-2"


def cognito(endpoint: str) -> Any:
    return boto3.client(
        "cognito-idp", endpoint_url=endpoint, region_name="eu-west-1",
        aws_access_key_id="dev", aws_secret_access_key="dev",
    )  # fmt: skip


def test_auth_config_says_where_to_sign_in(devserver: Running, base_url: str) -> None:
    answer = call(base_url, "GET", "/v1/auth/config")  # no key
    assert answer.status == 200, answer.body
    config = answer.json()
    assert config == {
        "region": "eu-west-1",
        "user_pool_id": devserver.banner_value(banner.USER_POOL),
        "client_id": devserver.banner_value(banner.CLIENT_ID),
        "endpoint": devserver.banner_value(banner.COGNITO_ENDPOINT),
        "sign_in_flow": "USER_PASSWORD_AUTH",  # moto's SRP does not check the password
    }
    assert config["user_pool_id"].startswith("eu-west-1_")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", config["endpoint"])
    # the same moto server as the table's: one server serves every service
    assert config["endpoint"] == devserver.banner_value(banner.DYNAMODB_ENDPOINT)


def signed_in_owner(server: Running) -> dict[str, str]:
    """The seeded owner through the dev server's Cognito: the temporary password, NEW_PASSWORD_REQUIRED,
    a new password, then the tokens."""
    config = call(server.base_url, "GET", "/v1/auth/config").json()
    email = server.banner_value(banner.OWNER_EMAIL)
    idp = cognito(config["endpoint"])
    started = idp.initiate_auth(
        ClientId=config["client_id"],
        AuthFlow=config["sign_in_flow"],  # the flow the portal signs in with
        AuthParameters={"USERNAME": email, "PASSWORD": server.banner_value(banner.OWNER_PASSWORD)},
    )
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    answered = idp.respond_to_auth_challenge(
        ClientId=config["client_id"],
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": NEW_PASSWORD},
    )
    result = answered["AuthenticationResult"]
    return {"id": result["IdToken"], "access": result["AccessToken"]}


def test_the_seeded_owner_signs_in_through_moto_cognito(devserver: Running, base_url: str) -> None:
    email = devserver.banner_value(banner.OWNER_EMAIL)
    assert email == "owner@demo-partner.example"
    tokens = signed_in_owner(devserver)
    partner_id = devserver.banner_value(r"Demo partner:\s+(ptn_\S+)")
    for token in tokens.values():
        listed = call(base_url, "GET", "/v1/licenses", key=token)
        assert listed.status == 200, listed.body
        me = call(base_url, "GET", "/v1/me", key=token)
        assert me.status == 200, me.body
        assert email in me.body and "owner" in me.body and partner_id in me.body
    # a token that is not the pool's is refused; the new password signs in without a challenge
    forged = tokens["id"][:-4] + ("AAAA" if not tokens["id"].endswith("AAAA") else "BBBB")
    assert_problem(call(base_url, "GET", "/v1/licenses", key=forged), 401, "UNAUTHORIZED")
    config = call(base_url, "GET", "/v1/auth/config").json()
    again = cognito(config["endpoint"]).initiate_auth(
        ClientId=config["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": NEW_PASSWORD},
    )
    assert "ChallengeName" not in again
    access = again["AuthenticationResult"]["AccessToken"]
    assert call(base_url, "GET", "/v1/licenses", key=access).status == 200


def test_beside_dynamodb_local_a_moto_server_serves_cognito(tmp_path: Path) -> None:
    with running_devserver(admin_key=ADMIN_KEY, outbox=tmp_path, dynamodb="local") as server:
        config = call(server.base_url, "GET", "/v1/auth/config").json()
        assert config["endpoint"] == server.banner_value(banner.COGNITO_ENDPOINT)
        assert config["endpoint"] != server.banner_value(banner.DYNAMODB_ENDPOINT)
        token = signed_in_owner(server)["access"]
        assert call(server.base_url, "GET", "/v1/licenses", key=token).status == 200


def sign_in_commands(output: str) -> list[str]:
    """The banner's shell lines after the sign-in heading, up to the blank line, and the API export."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(banner.SIGN_IN))
    commands = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        if not line.strip().startswith("Or with the AWS CLI"):
            commands.append(line.strip())
    api = next(line.strip() for line in lines if line.strip().startswith("export API="))
    return [api, *commands]


@pytest.mark.skipif(
    not (shutil.which("curl") and shutil.which("bash")), reason="the example is bash and curl"
)
def test_the_banners_sign_in_commands_run_as_printed(
    devserver: Running, base_url: str, partner_key: str
) -> None:
    """For a second person the owner invites: the banner's commands with that person's e-mail and
    temporary password (the seeded owner's is spent by the test above, whatever the order)."""
    email, temporary = "bash@demo-partner.example", "Bash-Temp0rary-3"
    invited = call(
        base_url, "POST", "/v1/users", {"email": email, "role": "read_only", "temporary_password": temporary},
        key=partner_key,
    )  # fmt: skip
    assert invited.status == 201, invited.body
    owner = devserver.banner_value(banner.OWNER_EMAIL)
    password = devserver.banner_value(banner.OWNER_PASSWORD)
    script = "\n".join(sign_in_commands(devserver.output)).replace(owner, email).replace(password, temporary)
    assert "InitiateAuth" in script and "RespondToAuthChallenge" in script and "/v1/me" in script
    ran = subprocess.run(  # noqa: S603 - bash running the banner's own lines
        [str(shutil.which("bash")), "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert email in ran.stdout and "read_only" in ran.stdout, ran.stdout
