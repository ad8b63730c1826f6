"""People: `PK=USER#<sub>`, `SK=USER`; listed per partner on GSI1 (`PARTNER#<id>#USERS`)."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from licensing.store.table import UserItem

SK = "USER"


def pk(user_id: str) -> str:
    return f"USER#{user_id}"


def get(user_id: str) -> UserItem | None:
    """The person with this Cognito `sub`, one GetItem; None if there is none."""
    if not user_id or len(user_id) > 128:
        return None
    try:
        return UserItem.get(pk(user_id), SK)
    except DoesNotExist:
        return None
