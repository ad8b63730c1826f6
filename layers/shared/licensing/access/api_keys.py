"""API keys: `plk_<id>.<secret>` for a partner, `dlk_<id>.<secret>` for a distributor. The id finds
the record with one GetItem; only a SHA-256 of the secret is stored (it is 160 random bits, so a slow
hash would add nothing). `authenticate` also takes a person's Cognito token (licensing.access.tokens),
then reads the person's item, once, so a removed, suspended or re-roled person is refused at once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Literal, NamedTuple

from licensing.access import repository, tokens
from licensing.access.errors import ApiKeyNotFound
from licensing.access.roles import DEFAULT_KEY_ROLE, PARTNER_ROLES, PartnerRole
from licensing.core import cursors
from licensing.core.ids import CROCKFORD, new_id
from licensing.partners import distributors
from licensing.partners import repository as partner_repo
from licensing.people import repository as people_repo
from licensing.people.rules import ACTIVE
from licensing.store.table import ApiKeyItem

SECRET_SYMBOLS = 32
PARTNER_PREFIX, DISTRIBUTOR_PREFIX = "plk", "dlk"


class Identity(NamedTuple):
    """Who is calling: `role` is whose routes it reaches; `partner_role` what a partner's key or person
    may do there (licensing.access.roles)."""

    role: Literal["partner", "admin", "distributor"]
    partner_id: str | None = None
    api_key_id: str | None = None
    distributor_id: str | None = None
    partner_role: str | None = None
    user_id: str | None = None
    email: str | None = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_api_key(
    partner_id: str, name: str | None, now: datetime, role: PartnerRole = DEFAULT_KEY_ROLE
) -> tuple[ApiKeyItem, str]:
    partner_repo.get(partner_id)  # 404 for an unknown partner
    item = ApiKeyItem(
        key_id=new_id(PARTNER_PREFIX), partner_id=partner_id, name=name, created_at=now, role=role
    )
    return _issue(item)


def issue_distributor_key(distributor_id: str, name: str | None, now: datetime) -> tuple[ApiKeyItem, str]:
    """A key for a distributor (404 for an unknown one); it reaches only /v1/distributor/*."""
    distributors.get(distributor_id)
    key_id = new_id(DISTRIBUTOR_PREFIX)
    return _issue(ApiKeyItem(key_id=key_id, distributor_id=distributor_id, name=name, created_at=now))


def _issue(item: ApiKeyItem) -> tuple[ApiKeyItem, str]:
    secret = "".join(secrets.choice(CROCKFORD) for _ in range(SECRET_SYMBOLS))
    item.secret_hash = _digest(secret)
    repository.create(item)
    return item, f"{item.key_id}.{secret}"


def revoke(key_id: str, now: datetime) -> None:
    """The key stops working at once; revoking it again changes nothing."""
    repository.revoke(key_id, now)


def revoke_own(partner_id: str, key_id: str, now: datetime) -> None:
    """An owner revokes one of the partner's keys; another partner's is as unknown as an id nobody has,
    and revoking it again changes nothing."""
    item = repository.get(key_id)
    if item is None or item.partner_id != partner_id:
        raise ApiKeyNotFound(f"No API key '{key_id[:128]}'.")
    repository.revoke(key_id, now)


class KeyPage(NamedTuple):
    items: list[ApiKeyItem]
    next_cursor: str | None


def of_partner(partner_id: str, *, limit: int, cursor: str | None) -> KeyPage:
    """The partner's keys (never their secrets), revoked ones included."""
    fingerprint = cursors.fingerprint(list="api-keys", partner=partner_id, limit=limit)
    partition = {"GSI1PK": repository.partner_partition(partner_id)}
    items, last = repository.partner_page(
        partner_id, limit=limit, start=cursors.decode(cursor, fingerprint, partition=partition)
    )
    return KeyPage(items, cursors.encode(last, fingerprint))


def bearer_token(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def authenticate(authorization: str | None, admin_key: Callable[[], str | None]) -> Identity | None:
    """Who holds this `Authorization` header value, or None for an unknown, malformed or revoked key, or
    a token that is not a valid one of the pool or whose person is not active.

    `admin_key` is only called for values that are neither keys nor tokens, so partner traffic does not
    depend on the secret store."""
    token = bearer_token(authorization)
    if token is None:
        return None
    key_id, _, secret = token.partition(".")
    is_key = key_id.startswith((f"{PARTNER_PREFIX}_", f"{DISTRIBUTOR_PREFIX}_"))
    if not is_key and tokens.looks_like_jwt(token):
        return person(token)
    if not is_key:
        expected = admin_key()
        return (
            Identity(role="admin")
            if expected and hmac.compare_digest(_digest(token), _digest(expected))
            else None
        )
    if not secret or len(key_id) > 64:
        return None
    item = repository.get(key_id)
    if item is None or item.revoked_at is not None:
        return None
    if not hmac.compare_digest(item.secret_hash, _digest(secret)):
        return None
    if key_id.startswith(f"{DISTRIBUTOR_PREFIX}_"):
        if not item.distributor_id:
            return None
        return Identity(role="distributor", api_key_id=item.key_id, distributor_id=item.distributor_id)
    if not item.partner_id:
        return None
    return Identity(
        role="partner", partner_id=item.partner_id, api_key_id=item.key_id, partner_role=key_role(item)
    )


def person(token: str) -> Identity | None:
    """A person signed in with the user pool: the token verified first (a bad one reads nothing), then one
    GetItem of the person. Only an active person passes, with the partner and role of the item, never
    the token's attributes (a token outlives a removal, suspension or change of role)."""
    claims = tokens.verify(token)
    if claims is None:
        return None
    item = people_repo.get(claims.sub)
    if item is None or item.status != ACTIVE or not item.partner_id or item.role not in PARTNER_ROLES:
        return None
    return Identity(
        role="partner",
        partner_id=item.partner_id,
        partner_role=item.role,
        user_id=claims.sub,
        email=item.email,
    )


def key_role(item: ApiKeyItem) -> PartnerRole:
    return item.role if item.role in PARTNER_ROLES else DEFAULT_KEY_ROLE
