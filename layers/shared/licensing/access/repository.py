"""API keys: `PK=APIKEY#<key_id>`, `SK=APIKEY`; listed per partner (or distributor) on GSI1. Only a
hash of the secret is stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from licensing.access.errors import ApiKeyNotFound
from licensing.core.ids import plausible
from licensing.store.table import ApiKeyItem, index_page
from licensing.store.transient import condition_failed

SK = "APIKEY"


def pk(key_id: str) -> str:
    return f"APIKEY#{key_id}"


def get(key_id: str) -> ApiKeyItem | None:
    if not plausible(key_id):
        return None
    try:
        return ApiKeyItem.get(pk(key_id), SK)
    except DoesNotExist:
        return None


def create(item: ApiKeyItem) -> ApiKeyItem:
    item.PK, item.SK = pk(item.key_id), SK
    owner = f"PARTNER#{item.partner_id}" if item.partner_id else f"DISTRIBUTOR#{item.distributor_id}"
    item.GSI1PK, item.GSI1SK = f"{owner}#APIKEYS", f"APIKEY#{item.key_id}"
    item.save(condition=ApiKeyItem.PK.does_not_exist())
    return item


def revoke(key_id: str, now: datetime) -> None:
    """Mark the key revoked; revoking an already revoked key changes nothing."""
    if not plausible(key_id):
        raise ApiKeyNotFound(f"No API key '{key_id[:128]}'.")
    item = ApiKeyItem(pk(key_id), SK)
    try:
        item.update(
            actions=[ApiKeyItem.revoked_at.set(now)],
            condition=ApiKeyItem.PK.exists() & ApiKeyItem.revoked_at.does_not_exist(),
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise
        if get(key_id) is None:
            raise ApiKeyNotFound(f"No API key '{key_id}'.") from None


def partner_partition(partner_id: str) -> str:
    return f"PARTNER#{partner_id}#APIKEYS"


def partner_page(
    partner_id: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[ApiKeyItem], dict[str, Any] | None]:
    """A page of the partner's keys, oldest first (their ids sort by creation): one Query on GSI1."""
    return index_page(
        ApiKeyItem.partner_index, ApiKeyItem, partner_partition(partner_id), limit=limit, start=start
    )
