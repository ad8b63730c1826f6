"""A person's Cognito token through the real authorizer: ID and access tokens of the pool's portal client
pass, with the partner and role of the person's item; every forged, expired, foreign or malformed token
is a 401 before any DynamoDB read; a removed or suspended person is refused at once and a re-roled one
acts with the new role at once, however long the token still runs. The JWKS is fetched once.

In-process moto cannot serve the JWKS to urllib, so only `tokens.fetch_jwks` is replaced: by a fake that
checks it is asked for the pool's well-known URL and answers moto's published JWKS. The signature and
claim checks are the real ones."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from devtools.gateway import LambdaContext
from devtools.user_pool import UserPool, create_user_pool
from licensing.access import tokens
from licensing.people import repository as people_repo
from licensing.store.table import UserItem
from tests.support import people
from tests.support.clients import Api, Partner
from tests.support.log_scan import debug_logs, secrets_in
from tests.support.people import PUBLIC_JWKS, FakeJwks
from tests.support.problems import assert_problem

TEMPORARY, PASSWORD = "Temp-Passw0rd!x", people.FINAL_PASSWORD
PRIVATE_JWK = load_resource("cognitoidp/resources/jwks-private.json")
ORDER = {"product": "business", "devices": 5, "years": 1}


def add_person(pool: UserPool, partner: Partner, email: str, role: str = "owner") -> UserItem:
    """A person of the partner, as the people routes make one: the directory's user, then the item."""
    created = boto3.client("cognito-idp").admin_create_user(
        UserPoolId=pool.id,
        Username=email,
        TemporaryPassword=TEMPORARY,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "custom:partner_id", "Value": partner.id},
        ],
    )
    sub = {a["Name"]: a["Value"] for a in created["User"]["Attributes"]}["sub"]
    person = people_repo.new(sub, partner.id, email, role, created["User"]["UserCreateDate"])
    person.save()
    return person


def sign_in(pool: UserPool, email: str, client_id: str | None = None) -> dict[str, str]:
    return people.sign_in(pool, email, TEMPORARY, client_id, PASSWORD)


@pytest.fixture
def person(user_pool: UserPool, partner: Partner, jwks: FakeJwks) -> UserItem:
    return add_person(user_pool, partner, "ann@acme.example")


@pytest.fixture
def signed_in(user_pool: UserPool, person: UserItem) -> dict[str, str]:
    return sign_in(user_pool, person.email)


def as_token(api: Api, token: str) -> Api:
    return api.with_key(token)


def assert_unauthorized(response: Any) -> None:
    assert response.status == 401, response.body
    assert response.headers.get("Content-Type") == "application/problem+json"
    assert response.json()["code"] == "UNAUTHORIZED"


# ---------------------------------------------------------------- crafted tokens


def claims_of(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def moto_key() -> Any:
    """moto's signing key: a token signed with it has a valid signature, whatever its claims."""
    return jwt.PyJWK(PRIVATE_JWK, algorithm="RS256").key


def signed(claims: dict[str, Any], key: Any = None, kid: str = "dummy") -> str:
    return jwt.encode(claims, key or moto_key(), algorithm="RS256", headers={"kid": kid})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}.{b64(signature)}"


def hs256_with_the_public_key(claims: dict[str, Any]) -> str:
    """The classic confusion: HS256 keyed with the RSA public key, as a verifier that trusts `alg` would."""
    header = {"alg": "HS256", "kid": "dummy", "typ": "JWT"}
    public = jwt.PyJWK(PUBLIC_JWKS["keys"][0], algorithm="RS256").key
    secret = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def bad_tokens(pool: UserPool, good: dict[str, str]) -> dict[str, str]:
    now = int(time.time())
    id_claims, access_claims = claims_of(good["id"]), claims_of(good["access"])
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    without_sub = {k: v for k, v in id_claims.items() if k != "sub"}
    return {
        "forged (another RSA key, same kid)": signed(id_claims, other_key),
        "expired": signed(id_claims | {"iat": now - 7200, "auth_time": now - 7200, "exp": now - 3600}),
        "issued in the future": signed(id_claims | {"iat": now + 3600, "exp": now + 7200}),
        "another issuer": signed(id_claims | {"iss": f"https://cognito-idp.{pool.region}.amazonaws.com/x_y"}),
        "another client (id token)": signed(id_claims | {"aud": "someone-elses-client"}),
        "another client (access token)": signed(access_claims | {"client_id": "someone-elses-client"}),
        "token_use refresh": signed(id_claims | {"token_use": "refresh"}),
        "an ID token claiming to be an access token": signed(id_claims | {"token_use": "access"}),
        "no token_use": signed({k: v for k, v in id_claims.items() if k != "token_use"}),
        "no exp": signed({k: v for k, v in id_claims.items() if k != "exp"}),
        "missing sub": signed(without_sub),
        "empty sub": signed(id_claims | {"sub": ""}),
        "alg none": unsigned({"alg": "none", "kid": "dummy"}, id_claims),
        "alg none, signature kept": unsigned({"alg": "none", "kid": "dummy"}, id_claims, b"x" * 32),
        "HS256 with the public key as secret": hs256_with_the_public_key(id_claims),
        "RS512": jwt.encode(id_claims, moto_key(), algorithm="RS512", headers={"kid": "dummy"}),
        "no kid": jwt.encode(id_claims, moto_key(), algorithm="RS256"),
        "garbage in JWT shape": "eyJhbGciOiJSUzI1NiJ9.eyJub3QtanNvbg.c2lnbmF0dXJl",
        "garbage": "eyJ" + "A" * 40,
        "a valid token, one signature byte changed": good["id"][:-2]
        + ("A" if good["id"][-2] != "A" else "B")
        + good["id"][-1],
    }


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("use", ["id", "access"])
def test_id_and_access_tokens_act_as_the_person(
    api: Api, partner: Partner, person: UserItem, signed_in: dict[str, str], use: str
) -> None:
    caller = as_token(api, signed_in[use])
    listed = caller.get("/v1/licenses")
    assert listed.status == 200, listed.body
    me = caller.get("/v1/me")
    assert me.status == 200, me.body
    assert partner.id in me.body and person.email in me.body


def test_the_partner_and_role_come_from_the_item_not_the_token(
    user_pool: UserPool, admin: Api, partner: Partner, jwks: FakeJwks
) -> None:
    """A directory user whose `custom:partner_id` names another partner still acts for its item's."""
    other = Partner.create(admin, name="Other Reseller", email="ops@other.example")
    person = add_person(user_pool, partner, "bea@acme.example", role="read_only")
    boto3.client("cognito-idp").admin_update_user_attributes(
        UserPoolId=user_pool.id,
        Username=person.email,
        UserAttributes=[{"Name": "custom:partner_id", "Value": other.id}],
    )
    token = sign_in(user_pool, person.email)["id"]
    assert claims_of(token)["custom:partner_id"] == other.id
    policy = authorize(token)
    assert policy["context"]["partner_id"] == partner.id
    assert policy["context"]["partner_role"] == "read_only"
    assert policy["context"]["user_id"] == person.user_id
    assert policy["context"]["email"] == "bea@acme.example"
    assert policy["context"]["api_key_id"] == ""


def test_every_bad_token_is_401_before_any_read(
    api: Api, user_pool: UserPool, signed_in: dict[str, str], ddb_calls
) -> None:
    bad = bad_tokens(user_pool, signed_in)
    for name, token in bad.items():
        assert tokens.looks_like_jwt(token) or name == "garbage", name
        ddb_calls.reset()
        response = as_token(api, token).get("/v1/licenses")
        assert response.status == 401, f"{name}: {response.status} {response.body}"
        assert_unauthorized(response)
        assert ddb_calls.calls == [], f"{name} read {ddb_calls.calls}"
    assert as_token(api, signed_in["id"]).get("/v1/licenses").status == 200  # the genuine one still works


def test_a_token_of_another_pool_is_refused(
    api: Api, user_pool: UserPool, partner: Partner, jwks: FakeJwks, ddb_calls
) -> None:
    """moto signs every pool's tokens with the same key: only the issuer tells them apart, as it must."""
    other = create_user_pool(boto3.client("cognito-idp"), name="other-pool")
    add_person(other, partner, "eve@acme.example")
    token = sign_in(other, "eve@acme.example")
    for use in ("id", "access"):
        ddb_calls.reset()
        assert_unauthorized(as_token(api, token[use]).get("/v1/licenses"))
        assert ddb_calls.calls == []


def test_a_token_of_another_client_of_the_pool_is_refused(
    api: Api, user_pool: UserPool, partner: Partner, jwks: FakeJwks, ddb_calls
) -> None:
    cognito = boto3.client("cognito-idp")
    other_client = cognito.create_user_pool_client(
        UserPoolId=user_pool.id, ClientName="someone-else", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    add_person(user_pool, partner, "mal@acme.example")
    token = sign_in(user_pool, "mal@acme.example", client_id=other_client)
    for use in ("id", "access"):
        ddb_calls.reset()
        assert_unauthorized(as_token(api, token[use]).get("/v1/licenses"))
        assert ddb_calls.calls == []


@pytest.mark.parametrize("change", ["deleted", "removing", "suspended", "role unknown"])
def test_a_person_no_longer_active_is_refused_at_once(
    api: Api, person: UserItem, signed_in: dict[str, str], change: str, ddb_calls
) -> None:
    caller = as_token(api, signed_in["access"])
    assert caller.get("/v1/licenses").status == 200
    if change == "deleted":
        person.delete()
    elif change == "role unknown":
        person.update(actions=[UserItem.role.set("superuser")])
    else:
        person.update(actions=[UserItem.status.set(change)])
    ddb_calls.reset()
    assert_unauthorized(caller.get("/v1/licenses"))
    assert ddb_calls.calls == ["GetItem"]  # the person's item, read once
    assert claims_of(signed_in["access"])["exp"] > time.time() + 600  # the token itself runs on


def test_a_re_roled_person_acts_with_the_new_role_at_once(
    api: Api, person: UserItem, signed_in: dict[str, str]
) -> None:
    caller = as_token(api, signed_in["id"])
    assert caller.post("/v1/quotes", ORDER).status == 200
    person.update(actions=[UserItem.role.set("read_only")])
    refused = caller.post("/v1/quotes", ORDER)
    assert (refused.status, refused.json()["code"]) == (403, "FORBIDDEN"), refused.body
    assert caller.get("/v1/licenses").status == 200  # reading stays allowed
    person.update(actions=[UserItem.role.set("purchaser")])
    assert caller.post("/v1/quotes", ORDER).status == 200


def test_the_jwks_is_fetched_once_for_many_requests(
    api: Api, signed_in: dict[str, str], jwks: FakeJwks
) -> None:
    for _ in range(5):
        for use in ("id", "access"):
            assert as_token(api, signed_in[use]).get("/v1/catalog").status == 200
    assert jwks.calls == 1


def test_unknown_kids_refetch_at_most_once_per_interval(
    api: Api, signed_in: dict[str, str], jwks: FakeJwks, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = claims_of(signed_in["id"])
    clock = {"now": time.monotonic()}
    monkeypatch.setattr(tokens.time, "monotonic", lambda: clock["now"])
    assert as_token(api, signed_in["id"]).get("/v1/catalog").status == 200
    assert jwks.calls == 1
    for n in range(20):  # forged kids, one per request: none may make it fetch again yet
        assert_unauthorized(as_token(api, signed(claims, kid=f"forged-{n}")).get("/v1/catalog"))
    assert jwks.calls == 1
    clock["now"] += tokens.REFETCH_SECONDS + 1  # Cognito might have rotated its keys: look once
    for n in range(20):
        assert_unauthorized(as_token(api, signed(claims, kid=f"later-{n}")).get("/v1/catalog"))
    assert jwks.calls == 2
    assert as_token(api, signed_in["id"]).get("/v1/catalog").status == 200  # the known kid needs none
    assert jwks.calls == 2


def test_an_unreachable_jwks_refuses_and_is_retried_later(
    api: Api, signed_in: dict[str, str], jwks: FakeJwks, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = {"now": time.monotonic()}
    monkeypatch.setattr(tokens.time, "monotonic", lambda: clock["now"])
    attempts = []

    def unreachable(url: str) -> dict[str, Any]:
        attempts.append(url)
        raise TimeoutError("timed out")

    monkeypatch.setattr(tokens, "fetch_jwks", unreachable)
    for _ in range(5):
        assert_unauthorized(as_token(api, signed_in["id"]).get("/v1/catalog"))
    assert len(attempts) == 1
    monkeypatch.setattr(tokens, "fetch_jwks", jwks)
    clock["now"] += tokens.RETRY_SECONDS + 1
    assert as_token(api, signed_in["id"]).get("/v1/catalog").status == 200
    assert jwks.calls == 1


def authorize(token: str) -> dict[str, Any]:
    from functions.authorizer import app

    event = {
        "type": "REQUEST",
        "methodArn": "arn:aws:execute-api:eu-west-1:123456789012:api/prod/GET/v1/catalog",
        "headers": {"Authorization": f"Bearer {token}"},
        "path": "/v1/catalog",
        "httpMethod": "GET",
        "requestContext": {},
    }
    return dict(app.lambda_handler(event, LambdaContext("authorizer")))


def test_the_authorizer_reads_once_for_a_person_and_once_for_a_key(
    partner: Partner, person: UserItem, signed_in: dict[str, str], ddb_calls
) -> None:
    authorize(signed_in["id"])  # the JWKS fetch of a cold container is not DynamoDB's
    for token in (signed_in["id"], signed_in["access"], partner.api_key):
        ddb_calls.reset()
        policy = authorize(token)
        assert policy["context"]["partner_id"] == partner.id
        assert ddb_calls.calls == ["GetItem"]
    ddb_calls.reset()
    with pytest.raises(Exception, match="Unauthorized"):
        authorize(signed(claims_of(signed_in["id"]) | {"exp": int(time.time()) - 3600}))
    assert ddb_calls.calls == []


def test_no_token_or_claim_is_logged(
    api: Api, user_pool: UserPool, person: UserItem, signed_in: dict[str, str]
) -> None:
    bad = bad_tokens(user_pool, signed_in)
    with debug_logs() as lines:
        for token in [*signed_in.values(), *bad.values()]:
            as_token(api, token).get("/v1/catalog")
    assert lines, "nothing was logged: the scan would prove nothing"
    sent = [*signed_in.values(), *bad.values()]
    segments = {part for token in sent for part in token.split(".") if len(part) > 16}
    found = secrets_in(lines, {"token": sent, "token segment": segments, "sub": [person.user_id]})
    assert found == []


def test_a_token_without_a_configured_pool_is_refused(
    api: Api, signed_in: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("USER_POOL_ID")
    assert_unauthorized(as_token(api, signed_in["id"]).get("/v1/catalog"))


def test_auth_config_names_the_pool_its_client_and_cognitos_endpoint(
    api: Api, user_pool: UserPool, monkeypatch: pytest.MonkeyPatch, ddb_calls
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", raising=False)
    ddb_calls.reset()
    answer = api.get("/v1/auth/config")  # no key
    assert answer.status == 200, answer.body
    assert answer.json() == {
        "region": "eu-west-1",
        "user_pool_id": user_pool.id,
        "client_id": user_pool.client_id,
        "endpoint": "https://cognito-idp.eu-west-1.amazonaws.com",
        "sign_in_flow": "USER_SRP_AUTH",  # the default
    }
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "http://127.0.0.1:5000/")
    assert api.get("/v1/auth/config").json()["endpoint"] == "http://127.0.0.1:5000"
    assert ddb_calls.calls == []
    monkeypatch.delenv("USER_POOL_ID")  # a deployment without its pool is a server error, logged
    assert api.get("/v1/auth/config").status == 500


@pytest.mark.parametrize("flow", ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"])
def test_auth_config_names_the_configured_sign_in_flow(
    api: Api, user_pool: UserPool, monkeypatch: pytest.MonkeyPatch, flow: str
) -> None:
    monkeypatch.setenv("SIGN_IN_FLOW", flow)
    answer = api.get("/v1/auth/config")
    assert answer.status == 200, answer.body
    assert answer.json()["sign_in_flow"] == flow


@pytest.mark.parametrize("flow", ["CUSTOM_AUTH", "user_srp_auth", "USER_SRP_AUTH "])
def test_an_unknown_sign_in_flow_is_a_server_error(
    api: Api, user_pool: UserPool, monkeypatch: pytest.MonkeyPatch, flow: str
) -> None:
    monkeypatch.setenv("SIGN_IN_FLOW", flow)  # a misconfigured deployment, as without its pool
    problem = assert_problem(api.get("/v1/auth/config"), 500, "INTERNAL_ERROR")
    assert "SIGN_IN_FLOW" not in problem["detail"]  # says nothing internal; the log has it
