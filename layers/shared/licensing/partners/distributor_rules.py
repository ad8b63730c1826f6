"""Distributors' pure rules: how an order placed by a distributor is named, and the refusal a partner
assigned to a distributor gets on every purchase path, naming the distributor and how to reach it."""

from __future__ import annotations

from typing import NamedTuple

from licensing.partners.errors import DirectPurchaseDisabled

ACTOR_PREFIX = "distributor:"


class Contact(NamedTuple):
    id: str
    name: str
    email: str
    support_url: str | None


def actor(distributor_id: str) -> str:
    """Who placed an order for a partner (`OrderItem.placed_by`): `distributor:<id>`."""
    return f"{ACTOR_PREFIX}{distributor_id}"


def refusal(distributor_id: str, contact: Contact | None) -> DirectPurchaseDisabled:
    """The 403 for a direct purchase by a partner that buys through `distributor_id`; `contact` is None
    only for an assignment made before distributors were entities (the id alone is then named)."""
    if contact is None:
        return DirectPurchaseDisabled(
            f"Your account buys through distributor '{distributor_id}'; please order there.",
            distributor_id=distributor_id,
        )
    reach = ", ".join(part for part in (contact.email, contact.support_url) if part)
    return DirectPurchaseDisabled(
        f"Your account buys through the distributor {contact.name} ({reach}); please order there.",
        distributor_id=contact.id,
        distributor={
            "id": contact.id,
            "name": contact.name,
            "email": contact.email,
            "support_url": contact.support_url,
        },
    )
