"""A person's Cognito token (ID or access), verified here, not by API Gateway: RS256 only, signed by a key
of the user pool's JWKS (found by `kid`), issued by the pool (USER_POOL_ID) for its portal client
(USER_POOL_CLIENT_ID), unexpired, with a `sub`. The JWKS is fetched once per container and cached; a
`kid` it does not hold refetches it at most once per REFETCH_SECONDS, so forged key ids cannot make every
request fetch. Any failure is None (a 401). Neither a token nor a claim is ever logged.

PyJWT (with `cryptography`) does the signature and the registered claims; Cognito's own claims
(`token_use`, `aud` or `client_id`) are checked below. `jwt` is imported on the first token, so API-key
traffic does not pay for loading the RSA code at cold start.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from licensing.infra.observability import logger

ALGORITHM = "RS256"
LEEWAY_SECONDS = 30  # clock skew allowed on exp and iat
REFETCH_SECONDS = 300  # an unknown kid refetches the JWKS at most this often
RETRY_SECONDS = 10  # while no JWKS was ever fetched (Cognito unreachable at cold start)
FETCH_TIMEOUT_SECONDS = 3
MAX_TOKEN_LENGTH = 16 * 1024
MAX_JWKS_BYTES = 64 * 1024
# Three base64url segments, the first two JSON objects (`eyJ` is `{"`); the signature may be empty (alg
# none), so such a token is still refused here, not taken for another kind of key.
JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
POOL_ID = re.compile(r"(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+")
ID_USE, ACCESS_USE = "id", "access"  # `token_use` of an ID and of an access token
TOKEN_USES = (ID_USE, ACCESS_USE)


class Claims(NamedTuple):
    """What a verified token says the authorizer may use: whose it is, and which kind."""

    sub: str
    token_use: str


@dataclass
class _KeySet:
    keys: dict[str, Any] = field(default_factory=dict)  # kid -> PyJWK
    fetched_at: float | None = None  # last successful fetch (monotonic)
    tried_at: float | None = None  # last attempt, successful or not


_key_sets: dict[str, _KeySet] = {}  # per JWKS URL: one container may see several pools (tests)


def looks_like_jwt(value: str) -> bool:
    return len(value) <= MAX_TOKEN_LENGTH and JWT_SHAPE.fullmatch(value) is not None


def endpoint(region: str) -> str:
    """Where the pool's API and JWKS live: the local endpoint (moto) when one is set, else Cognito's."""
    local = os.environ.get("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "").strip()
    return local.rstrip("/") if local else f"https://cognito-idp.{region}.amazonaws.com"


def region_of(pool_id: str) -> str | None:
    found = POOL_ID.fullmatch(pool_id)
    return found.group("region") if found else None


def issuer(region: str, pool_id: str) -> str:
    """Cognito's `iss`, also moto's (it keeps the regional URL when served locally)."""
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def jwks_url(region: str, pool_id: str) -> str:
    return f"{endpoint(region)}/{pool_id}/.well-known/jwks.json"


def fetch_jwks(url: str) -> dict[str, Any]:
    """The JWKS document at `url` (https, or a local http endpoint), within FETCH_TIMEOUT_SECONDS."""
    if not url.startswith(("https://", "http://")):
        raise ValueError("the JWKS URL must be http(s)")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - checked above
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
        document: dict[str, Any] = json.loads(response.read(MAX_JWKS_BYTES + 1)[:MAX_JWKS_BYTES])
    return document


def reset() -> None:
    """Forget every cached JWKS (tests)."""
    _key_sets.clear()


def _parse_keys(document: Any) -> dict[str, Any]:
    from jwt import PyJWK, PyJWTError

    keys: dict[str, Any] = {}
    for jwk in document.get("keys", []) if isinstance(document, dict) else []:
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
            continue
        if jwk.get("alg", ALGORITHM) != ALGORITHM or not isinstance(jwk.get("kid"), str):
            continue
        try:
            keys[jwk["kid"]] = PyJWK(jwk, algorithm=ALGORITHM)
        except PyJWTError:
            continue
    return keys


def _refresh(url: str, key_set: _KeySet, now: float) -> None:
    wait = REFETCH_SECONDS if key_set.fetched_at is not None else RETRY_SECONDS
    if key_set.tried_at is not None and now - key_set.tried_at < wait:
        return
    key_set.tried_at = now
    try:
        keys = _parse_keys(fetch_jwks(url))
    except Exception as error:  # unreachable, slow or malformed: the token is refused, nothing cached
        logger.warning("Fetching the user pool's JWKS failed", extra={"error": type(error).__name__})
        return
    if keys:
        key_set.keys, key_set.fetched_at = keys, now
        logger.info("Fetched the user pool's JWKS", extra={"keys": len(keys)})


def _key(url: str, kid: str) -> Any | None:
    key_set = _key_sets.setdefault(url, _KeySet())
    if kid not in key_set.keys:
        _refresh(url, key_set, time.monotonic())
    return key_set.keys.get(kid)


def verify(token: str) -> Claims | None:
    """The claims of a valid token of the configured pool and client, or None for anything else."""
    pool_id = os.environ.get("USER_POOL_ID", "")
    client_id = os.environ.get("USER_POOL_CLIENT_ID", "")
    region = region_of(pool_id)
    if region is None or not client_id or not looks_like_jwt(token):
        return None
    import jwt

    try:
        header = jwt.get_unverified_header(token)
        kid = header.get("kid")
        if header.get("alg") != ALGORITHM or not isinstance(kid, str) or not 0 < len(kid) <= 128:
            return None
        key = _key(jwks_url(region, pool_id), kid)
        if key is None:
            return None
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[ALGORITHM],
            issuer=issuer(region, pool_id),
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "sub", "token_use"], "verify_aud": False},
        )
    except jwt.PyJWTError:
        return None
    return _checked(claims, client_id)


def _checked(claims: dict[str, Any], client_id: str) -> Claims | None:
    """Cognito's claims: an ID token names the client in `aud`, an access token in `client_id`."""
    token_use, sub = claims.get("token_use"), claims.get("sub")
    if token_use not in TOKEN_USES or not isinstance(sub, str) or not 0 < len(sub) <= 128:
        return None
    audience = claims.get("aud") if token_use == ID_USE else claims.get("client_id")
    if audience != client_id:
        return None
    return Claims(sub, str(token_use))
