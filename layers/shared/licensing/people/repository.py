"""People: `PK=USER#<sub>`, `SK=USER`; listed per partner on GSI1 (`PARTNER#<id>#USERS`, by e-mail).
The partner's count of active owners is `PK=PARTNER#<id>`, `SK=OWNERS`, changed in the transaction that
changes a person, so the last active owner can be neither removed, suspended nor demoted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist
from pynamodb.expressions.update import Action

from licensing.store.table import PartnerOwnersItem, UserItem, index_page
from licensing.store.transactions import Transaction
from licensing.store.transient import condition_failed

SK = "USER"
OWNERS_SK = "OWNERS"
USER, OWNERS = "user", "owners"  # labels in the transactions


def pk(user_id: str) -> str:
    return f"USER#{user_id}"


def partition(partner_id: str) -> str:
    return f"PARTNER#{partner_id}#USERS"


def get(user_id: str) -> UserItem | None:
    """The person with this Cognito `sub`, one GetItem; None if there is none."""
    if not user_id or len(user_id) > 128:
        return None
    try:
        return UserItem.get(pk(user_id), SK)
    except DoesNotExist:
        return None


def new(user_id: str, partner_id: str, email: str, role: str, now: datetime) -> UserItem:
    return UserItem(
        pk(user_id),
        SK,
        user_id=user_id,
        partner_id=partner_id,
        email=email,
        role=role,
        status="active",
        created_at=now,
        updated_at=now,
        GSI1PK=partition(partner_id),
        GSI1SK=f"USER#{email}",
    )


def _owners(partner_id: str) -> PartnerOwnersItem:
    return PartnerOwnersItem(f"PARTNER#{partner_id}", OWNERS_SK, partner_id=partner_id)


def add_owners_change(tx: Transaction, partner_id: str, delta: int) -> None:
    """Move the partner's count of active owners; a decrement only while at least two remain."""
    owners = _owners(partner_id)
    if delta > 0:
        actions: list[Action] = [
            PartnerOwnersItem.active_owners.add(delta),
            PartnerOwnersItem.partner_id.set(partner_id),
        ]
        tx.update(owners, actions, label=OWNERS, versioned=False)
    elif delta < 0:
        tx.update(
            owners,
            [PartnerOwnersItem.active_owners.add(delta)],
            condition=PartnerOwnersItem.active_owners >= 1 - delta,
            label=OWNERS,
            versioned=False,
        )


def add_create(tx: Transaction, person: UserItem) -> None:
    tx.put(person, condition=UserItem.PK.does_not_exist(), label=USER)


def add_update(tx: Transaction, person: UserItem, changes: dict[str, Any], now: datetime) -> None:
    """Change the person as read (its version) and not being removed."""
    actions = [getattr(UserItem, name).set(value) for name, value in changes.items()]
    actions.append(UserItem.updated_at.set(now))
    tx.update(person, actions, condition=UserItem.status != "removing", label=USER)


def owner_count(partner_id: str) -> int:
    try:
        return int(
            PartnerOwnersItem.get(f"PARTNER#{partner_id}", OWNERS_SK, consistent_read=True).active_owners
        )
    except DoesNotExist:
        return 0


def page(
    partner_id: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[UserItem], dict[str, Any] | None]:
    """A page of the partner's people by e-mail: one Query on GSI1."""
    return index_page(UserItem.partner_index, UserItem, partition(partner_id), limit=limit, start=start)


def delete(person: UserItem) -> None:
    """Delete a person being removed; one already deleted is fine."""
    try:
        UserItem(pk(person.user_id), SK).delete(
            condition=UserItem.status == "removing", add_version_condition=False
        )
    except DeleteError as error:
        if not condition_failed(error):
            raise
