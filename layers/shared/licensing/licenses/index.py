"""What a license item derives from its own fields for the indexes (pure rules, no AWS):

- `row`: the compact copy of the listed fields that GSI2 projects (a partner's license list);
- GSI3's keys: present only while the license is a coupon renew-with-coupon may pick on its own (owned,
  unused, not redeemed or revoked, no note, annual), keyed by partner, product and devices and sorted by
  activation deadline, so the soonest matching coupon is one Query with `Limit=1`;
- the sweeper's schedule (`sweep_term`, `due_at`, GSI4): a new term (an activation, a renewal, a claim)
  re-arms every reminder and schedules the first look; the sweeper moves `due_at` on from there.

`licenses.repository` applies these to every write, computed from the license as it will be after the
change, in the same update, so no index ever disagrees with its item.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from licensing.core.clock import iso
from licensing.partners.reminders import COUPON_WARNING_DAYS, MAX_REMINDER_DAYS

DUE_SHARDS = 4  # each day's due items are spread over this many GSI4 partitions

# What GSI2 projects of a license besides its keys, in this order (dates as Unix seconds): everything a
# list, a search or a grouping shows, in about a hundred bytes. New fields go at the end.
ROW_FIELDS = (
    "product", "devices", "term_months", "partner_id", "order_id", "purchased_at",
    "activation_deadline", "activated_at", "expires_at", "workspace_id", "customer_ref", "note",
    "revoked_at", "redeemed_at", "version", "redeemed_for", "renewed_at", "plan", "suspended_at",
    "cancelled_at", "ends_at",
)  # fmt: skip
_DATES = {
    "purchased_at", "activation_deadline", "activated_at", "expires_at", "revoked_at", "redeemed_at",
    "renewed_at", "suspended_at", "cancelled_at", "ends_at",
}  # fmt: skip
# The fields that decide whether a license is an auto-pickable coupon, and where it sorts.
COUPON_FIELDS = ("key", "partner_id", "product", "devices", "activation_deadline", "note", "plan")
_NOT_A_COUPON_ONCE = ("activated_at", "revoked_at", "redeemed_at")
SCHEDULE_FIELDS = ("sweep_term", "sweep_done", "due_at", "GSI4PK", "GSI4SK")


def row_of(values: Mapping[str, Any]) -> str:
    """The compact row of a license's listed fields (see ROW_FIELDS)."""
    cells = [
        int(values[name].timestamp()) if name in _DATES and values.get(name) else values.get(name)
        for name in ROW_FIELDS
    ]
    return json.dumps(cells, separators=(",", ":"), ensure_ascii=False)


def fields_of(row: str | None) -> dict[str, Any]:
    """The listed fields a row holds. A row written before a field was added is simply shorter: the
    missing cells read as None."""
    stored = json.loads(row or "[]")
    cells = dict(zip(ROW_FIELDS, stored + [None] * (len(ROW_FIELDS) - len(stored)), strict=True))
    return {
        name: datetime.fromtimestamp(value, UTC) if name in _DATES and value is not None else value
        for name, value in cells.items()
    }


def coupon_partition(partner_id: str, product: str, devices: int) -> str:
    return f"PARTNER#{partner_id}#COUPONS#{product}#{int(devices)}"


def coupon_keys(values: Mapping[str, Any]) -> tuple[str, str] | None:
    """GSI3's keys for a license in this state, or None when renew-with-coupon must not pick it."""
    if not values.get("partner_id") or values.get("note") or any(values.get(n) for n in _NOT_A_COUPON_ONCE):
        return None
    if values.get("plan"):  # a monthly key is billed for use: it never renews an annual license
        return None
    partition = coupon_partition(values["partner_id"], values["product"], values["devices"])
    return partition, f"{iso(values['activation_deadline'])}#{values['key']}"


def due_partition(day: str, shard: int) -> str:
    return f"DUE#{day}#{shard}"


def due_keys(key: str, due_at: datetime) -> tuple[str, str]:
    """GSI4's keys: the day bucket and a shard fixed per key, sorted by the due time."""
    shard = zlib.crc32(key.encode()) % DUE_SHARDS
    return due_partition(iso(due_at)[:10], shard), f"{iso(due_at)}#{key}"


def sweep_term(values: Mapping[str, Any]) -> datetime | None:
    """What the sweeper's notices for a license are about: its expiry once activated, a coupon's
    activation deadline before; None when it needs none (no partner, revoked or redeemed)."""
    if not values.get("partner_id") or values.get("revoked_at") or values.get("redeemed_at"):
        return None
    term: datetime = values["expires_at"] if values.get("activated_at") else values["activation_deadline"]
    return term


def first_due(values: Mapping[str, Any], term: datetime, now: datetime) -> datetime:
    """The sweeper's first look at a new term: the earliest notice it could owe (never in the past,
    so a bucket the sweeper already passed is never written)."""
    lead = MAX_REMINDER_DAYS if values.get("activated_at") else max(COUPON_WARNING_DAYS)
    return max(term - timedelta(days=lead), now)


def term_id(values: Mapping[str, Any]) -> str | None:
    """The term as stored in `sweep_term`: `license:<expiry>` or `coupon:<deadline>` (a coupon activated
    at once may expire exactly at its old deadline, and is still a new term)."""
    term = sweep_term(values)
    if term is None:
        return None
    return f"{'license' if values.get('activated_at') else 'coupon'}:{iso(term)}"


def schedule(values: Mapping[str, Any], now: datetime) -> dict[str, Any] | None:
    """The sweeper's attributes (SCHEDULE_FIELDS) when the term changed; None when it did not, and the
    schedule stays as it is."""
    term, term_id_now = sweep_term(values), term_id(values)
    if term_id_now == values.get("sweep_term"):
        return None
    if term is None:
        return dict.fromkeys(SCHEDULE_FIELDS)
    due = first_due(values, term, now)
    pk, sk = due_keys(values["key"], due)
    return {"sweep_term": term_id_now, "sweep_done": None, "due_at": due, "GSI4PK": pk, "GSI4SK": sk}
