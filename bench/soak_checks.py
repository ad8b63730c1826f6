"""The soak's invariants, checked on a snapshot of the whole table and of the bus after the run. Each check
answers the violations it finds (an empty list: the invariant holds), so a tampered snapshot shows that
no check is vacuous (tests/api/test_soak.py)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from licensing.core.clock import add_months, parse_iso

Item = dict[str, Any]


@dataclass
class Snapshot:
    """Every item of the table (plain values; JSON attributes still as text), the events on the bus,
    the keys the vendor seeded without an order, and what the clients saw."""

    items: list[Item]
    bus: list[Item]
    vendor_keys: set[str]
    server_errors: list[tuple[str, int, str | None]] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def of(self, entity: str) -> list[Item]:
        return [item for item in self.items if item.get("entity") == entity]

    @property
    def orders(self) -> dict[str, Item]:
        return {item["id"]: item for item in self.of("Order")}

    @property
    def licenses(self) -> dict[str, Item]:
        return {item["key"]: item for item in self.of("License")}

    @property
    def partners(self) -> dict[str, Item]:
        return {item["id"]: item for item in self.of("Partner")}

    def history(self) -> dict[str, list[Item]]:
        """Each license's history entries, oldest first (their SK is the time, then a ULID)."""
        entries: dict[str, list[Item]] = defaultdict(list)
        for item in sorted(self.of("LicenseHistory"), key=lambda entry: entry["SK"]):
            entries[item["PK"].removeprefix("LICENSE#")].append(item)
        return entries

    @property
    def outbox(self) -> list[Item]:
        return [
            {
                "event_id": item["PK"].removeprefix("OUTBOX#"),
                "detail_type": item["detail_type"],
                "detail": _json(item["detail"]),
            }
            for item in self.of("OutboxEvent")
        ]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def plain(value: Any) -> Any:
    """DynamoDB's Decimals as ints (or floats), recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {name: plain(inner) for name, inner in value.items()}
    if isinstance(value, list | set):
        return [plain(inner) for inner in value]
    return value


def _is_issuing(order: Item) -> bool:
    """An order whose keys exist once it is paid (a monthly plan's keys at once)."""
    return order.get("type") in ("new", "bulk")


def keys_match_paid_orders(state: Snapshot) -> list[str]:
    """Keys issued = licenses paid for: a paid (or monthly) order has exactly `licenses` keys, all listed on
    it; an unpaid one has none; a key without an order is one the vendor seeded."""
    by_order: dict[str | None, set[str]] = defaultdict(set)
    for key, license in state.licenses.items():
        by_order[license.get("order_id")].add(key)
    found = []
    for order_id, order in state.orders.items():
        if not _is_issuing(order):
            if by_order.get(order_id):
                found.append(f"{order_id} ({order['type']}) has keys {sorted(by_order[order_id])}")
            continue
        paid = order.get("paid_at") is not None or order.get("plan") == "monthly"
        keys, listed = by_order.get(order_id, set()), set(order.get("license_keys") or [])
        expected = int(order["licenses"]) if paid else 0
        if len(keys) != expected or (paid and keys != listed) or (not paid and listed):
            found.append(
                f"{order_id} ({order['status']}): {len(keys)} keys in the table, {len(listed)} listed, "
                f"{expected} paid for"
            )
    orphans = by_order.get(None, set()) - state.vendor_keys
    found += [f"key ...{key[-5:]} has no order and was not seeded" for key in sorted(orphans)]
    found += [
        f"key ...{key[-5:]} names a missing order {order_id}"
        for order_id, keys in by_order.items()
        if order_id is not None and order_id not in state.orders
        for key in keys
    ]
    return found


def no_coupon_redeemed_twice(state: Snapshot) -> list[str]:
    """A redeemed coupon has one redemption and renewed one license once; no renewal names an open coupon."""
    licenses, history = state.licenses, state.history()
    renewals_by_coupon: dict[str, list[str]] = defaultdict(list)
    for key, entries in history.items():
        for entry in entries:
            coupon = _json(entry["changes"]).get("coupon_key", {}).get("to")
            if entry["action"] == "renewed" and coupon:
                renewals_by_coupon[coupon].append(key)
    found = [
        f"coupon ...{coupon[-5:]} renewed {len(keys)} times"
        for coupon, keys in renewals_by_coupon.items()
        if len(keys) != 1
    ]
    for coupon, keys in renewals_by_coupon.items():
        item = licenses.get(coupon)
        if item is None or item.get("redeemed_at") is None or item.get("redeemed_for") != keys[0]:
            found.append(f"coupon ...{coupon[-5:]} renewed ...{keys[0][-5:]} but is not redeemed for it")
    for key, license in licenses.items():
        if license.get("redeemed_at") is None:
            continue
        redemptions = [entry for entry in history.get(key, []) if entry["action"] == "redeemed"]
        if len(redemptions) != 1 or key not in renewals_by_coupon:
            found.append(
                f"coupon ...{key[-5:]}: {len(redemptions)} redemptions, "
                f"{len(renewals_by_coupon.get(key, []))} renewals"
            )
    return found


def expiry_explained(state: Snapshot) -> list[str]:
    """Each activated annual license's expiry = activation + term, then each renewal applied once, in
    order, from the expiry (or from the renewal's moment once expired); each paid renewal order applied."""
    orders, licenses = state.orders, state.licenses
    found, applied = [], Counter[str]()
    for key, entries in state.history().items():
        license = licenses.get(key)
        if license is None or license.get("activated_at") is None or license.get("plan") == "monthly":
            continue
        current = add_months(parse_iso(license["activated_at"]), int(license["term_months"]))
        for entry in entries:
            change = _json(entry["changes"])
            if entry["action"] == "activated":
                stated = change["expires_at"]["to"]
                if stated is None or parse_iso(stated) != current:
                    found.append(f"...{key[-5:]} activated with expiry {stated}, its term says {current}")
            elif entry["action"] == "renewed":
                order_id, coupon = (
                    change.get(via, {}).get("to") for via in ("renewal_order_id", "coupon_key")
                )
                if order_id:
                    applied[order_id] += 1
                    months = 12 * int(orders.get(order_id, {}).get("years") or 0)
                else:
                    months = int(licenses.get(coupon or "", {}).get("term_months") or 0)
                at = parse_iso(entry["at"])
                expected = add_months(max(current, at), months)
                stated_from, stated_to = (parse_iso(change["expires_at"][end]) for end in ("from", "to"))
                if months == 0 or stated_from != current or stated_to != expected:
                    found.append(
                        f"...{key[-5:]} renewed {stated_from} -> {stated_to}, its history says "
                        f"{current} -> {expected}"
                    )
                current = stated_to
        if parse_iso(license["expires_at"]) != current:
            found.append(f"...{key[-5:]} expires {license['expires_at']}, its history explains {current}")
    for order_id, order in orders.items():
        if order.get("type") == "renewal":
            expected_count = 1 if order.get("paid_at") is not None else 0
            if applied[order_id] != expected_count:
                found.append(f"renewal {order_id} ({order['status']}) applied {applied[order_id]} times")
    return found


def events_belong_to_committed_changes(state: Snapshot) -> list[str]:
    """Every event in the outbox is on the bus and the other way round, with one id each and the same
    detail, and each announces a change the table holds."""
    found = [
        f"event {event_id} delivered {count} times"
        for event_id, count in Counter(event["event_id"] for event in state.bus).items()
        if count > 1
    ]
    outbox = {event["event_id"]: event for event in state.outbox}
    bus = {event["event_id"]: event for event in state.bus}
    found += [
        f"event {event_id} in the outbox never reached the bus" for event_id in outbox.keys() - bus.keys()
    ]
    found += [f"event {event_id} on the bus is not in the outbox" for event_id in bus.keys() - outbox.keys()]
    found += [
        f"event {event_id} on the bus differs from the outbox"
        for event_id in outbox.keys() & bus.keys()
        if (outbox[event_id]["detail_type"], outbox[event_id]["detail"])
        != (bus[event_id]["detail_type"], bus[event_id]["detail"])
    ]
    committed = _Committed(state)
    for event in [*outbox.values(), *(bus[event_id] for event_id in bus.keys() - outbox.keys())]:
        problem = committed.explains(event["detail_type"], event["detail"])
        if problem:
            found.append(f"{event['detail_type']} {event['event_id']}: {problem}")
    return found


class _Committed:
    """Does the table hold the change an event announces?"""

    def __init__(self, state: Snapshot) -> None:
        self.orders, self.licenses, self.partners = state.orders, state.licenses, state.partners
        self.history = state.history()

    def explains(self, detail_type: str, detail: Item) -> str | None:
        order = self.orders.get(detail.get("order_id") or "")
        license = self.licenses.get(detail.get("license_key") or detail.get("coupon_key") or "")
        if detail.get("partner_id") and detail["partner_id"] not in self.partners:
            return "no such partner"
        if "order_id" in detail and detail["order_id"] is not None and order is None:
            return "no such order"
        if (
            ("license_key" in detail or "coupon_key" in detail)
            and license is None
            and detail_type != "LicenseRenewed"
        ):
            return "no such license"
        check = getattr(self, detail_type, None)
        return check(detail, order, license) if check else None

    def OrderPlaced(self, detail: Item, order: Item, _: Item | None) -> str | None:
        return None if int(order["licenses"]) == detail["licenses"] else "another license count"

    def OrderPaid(self, _: Item, order: Item, __: Item | None) -> str | None:
        return None if order.get("paid_at") else "the order is not paid"

    def LicensesIssued(self, detail: Item, order: Item, _: Item | None) -> str | None:
        wrong = [
            key for key in detail["license_keys"] if self.licenses.get(key, {}).get("order_id") != order["id"]
        ]
        return f"{len(wrong)} keys not issued by the order" if wrong else None

    def LicenseActivated(self, detail: Item, _: Item | None, license: Item) -> str | None:
        same = (license.get("activated_at"), license.get("workspace_id")) == (
            detail["activated_at"],
            detail["workspace_id"],
        )
        return None if same else "the license is not activated so"

    def LicenseClaimed(self, detail: Item, _: Item | None, license: Item) -> str | None:
        return None if license.get("partner_id") == detail["partner_id"] else "another owner"

    def LicenseRenewed(self, detail: Item, _: Item | None, __: Item | None) -> str | None:
        license = self.licenses.get(detail["license_key"])
        if license is None:
            return "no such license"
        for entry in self.history.get(detail["license_key"], []):
            change = _json(entry["changes"])
            if entry["action"] == "renewed" and change["expires_at"] == {
                "from": detail["previous_expires_at"],
                "to": detail["expires_at"],
            }:
                return None
        return "no renewal in the license's history moves its expiry so"

    def CouponRedeemed(self, detail: Item, _: Item | None, coupon: Item) -> str | None:
        return (
            None if coupon.get("redeemed_for") == detail["redeemed_for"] else "the coupon is not redeemed so"
        )


def no_server_errors(state: Snapshot) -> list[str]:
    """No 5xx answer at all, retried ones included."""
    counts = Counter(state.server_errors)
    return [f"{count} x {status} {code} on {kind}" for (kind, status, code), count in counts.items()]


def answers_as_expected(state: Snapshot) -> list[str]:
    """Every answer was one the workload expects (e.g. a claim lost to another partner is a 409)."""
    return list(state.unexpected)


CHECKS: dict[str, Callable[[Snapshot], list[str]]] = {
    "keys issued = licenses paid for": keys_match_paid_orders,
    "no coupon redeemed twice": no_coupon_redeemed_twice,
    "every expiry explained by its history": expiry_explained,
    "every event belongs to a committed change, once": events_belong_to_committed_changes,
    "no 5xx": no_server_errors,
    "every answer as expected": answers_as_expected,
}


def check(state: Snapshot) -> dict[str, list[str]]:
    """Each invariant's violations (empty: it holds)."""
    return {name: run(state) for name, run in CHECKS.items()}
