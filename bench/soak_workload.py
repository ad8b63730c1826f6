"""The soak's workload: one partner as its worker sees it (`Tenant`), and the worker that drives it with
mixed operations, chosen by weight after an opening that does every kind once (`Worker`)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from bench.soak_http import Answer, Client

PRODUCT, DEVICES = "business", 5
# operation: weight (an operation that cannot run yet, e.g. renew without an active license, is skipped)
WEIGHTS = {
    "checkout": 12,
    "checkout_resend": 2,
    "pay": 14,
    "pay_again": 2,
    "lookup": 18,
    "assign": 8,
    "note": 8,
    "renew": 8,
    "renew_with_coupon": 8,
    "claim": 5,
    "monthly_order": 4,
    "usage": 4,
}
# Each worker opens with every kind once (in an order where each can run), then picks by weight.
OPENING = (
    "checkout",
    "checkout",
    "checkout_resend",
    "pay",
    "pay",
    "assign",
    "note",
    "renew",
    "pay",
    "renew_with_coupon",
    "lookup",
    "claim",
    "pay_again",
    "monthly_order",
    "usage",
)
EXPECTED_REFUSALS = {("claim", 409, "OWNED_BY_ANOTHER_PARTNER")}


@dataclass
class Tenant:
    """One partner as its worker sees it: what it has bought, paid, activated and may still use."""

    id: str
    key: str
    monthly: bool
    rng: random.Random
    pending: list[dict[str, Any]] = field(default_factory=list)  # orders awaiting payment
    paid: list[str] = field(default_factory=list)
    coupons: list[str] = field(default_factory=list)  # unused annual keys of PRODUCT/DEVICES
    active: list[str] = field(default_factory=list)  # activated annual keys
    monthly_keys: list[str] = field(default_factory=list)
    checkouts: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)  # key, body, order id
    claim_at: int = 0


class Worker:
    """Runs `budget` operations for one tenant; records answers the workload did not expect."""

    def __init__(self, tenant: Tenant, client: Client, vendor_keys: list[str], budget: int) -> None:
        self.t, self.client, self.vendor_keys, self.budget = tenant, client, vendor_keys, budget
        self.unexpected: list[str] = []

    def run(self) -> None:
        kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
        opening = list(OPENING)
        while len(self.client.samples) < self.budget:
            operation = opening.pop(0) if opening else self.t.rng.choices(kinds, weights)[0]
            getattr(self, operation)()

    def _call(self, kind: str, method: str, path: str, body: Any = None, **kwargs: Any) -> Answer:
        answer = self.client.call(kind, method, path, body, key=kwargs.pop("key", self.t.key), **kwargs)
        if not answer.ok and (kind, answer.status, answer.code) not in EXPECTED_REFUSALS:
            self.unexpected.append(f"{kind} {method} {path}: {answer.status} {answer.code}")
        return answer

    def _idempotency_key(self, what: str) -> str:
        return f"soak-{what}-{self.t.id[-6:]}-{self.t.rng.getrandbits(48):012x}"

    def checkout(self) -> None:
        body = {"product": PRODUCT, "devices": DEVICES, "years": 1, "licenses": self.t.rng.randint(1, 3)}
        idempotency_key = self._idempotency_key("order")
        answer = self._call("checkout", "POST", "/v1/orders", body, idempotency_key=idempotency_key)
        if answer.ok:
            self.t.pending.append({"id": answer.body["id"], "type": "new"})
            self.t.checkouts.append((idempotency_key, body, answer.body["id"]))

    def checkout_resend(self) -> None:
        """A client that lost the answer sends the same request again: the same order, nothing new."""
        if not self.t.checkouts:
            return
        idempotency_key, body, order_id = self.t.rng.choice(self.t.checkouts)
        answer = self._call("checkout_resend", "POST", "/v1/orders", body, idempotency_key=idempotency_key)
        if answer.ok and answer.body["id"] != order_id:
            self.unexpected.append(f"checkout resend answered {answer.body['id']}, not {order_id}")

    def pay(self) -> None:
        if not self.t.pending:
            return
        order = self.t.pending.pop(self.t.rng.randrange(len(self.t.pending)))
        if not self._call("pay", "POST", f"/dev/pay/{order['id']}", key=None).ok:
            return
        self.t.paid.append(order["id"])
        if order["type"] == "new":
            fetched = self._call("get_order", "GET", f"/v1/orders/{order['id']}")
            if fetched.ok:
                self.t.coupons.extend(fetched.body["license_keys"])

    def pay_again(self) -> None:
        """The provider sends another success for a paid order: no second set of keys, no second term."""
        if self.t.paid:
            self._call("pay_again", "POST", f"/dev/pay/{self.t.rng.choice(self.t.paid)}", key=None)

    def _take_coupon(self) -> str | None:
        return self.t.coupons.pop(self.t.rng.randrange(len(self.t.coupons))) if self.t.coupons else None

    def lookup(self) -> None:
        """The client software: an active key, or a coupon's first use (which activates it)."""
        pools = [pool for pool in (self.t.active, self.t.coupons, self.t.monthly_keys) if pool]
        if not pools:
            return
        pool = self.t.rng.choice(pools)
        key = pool[self.t.rng.randrange(len(pool))]
        body = {"license_key": key, "workspace_id": f"ws-{key[-5:]}"}
        answer = self._call("lookup", "POST", "/v1/lookup", body, key=None)
        if answer.ok and pool is self.t.coupons:
            self.t.coupons.remove(key)
            self.t.active.append(key)

    def assign(self) -> None:
        key = self._take_coupon()
        if key is None:
            return
        answer = self._call(
            "assign", "POST", f"/v1/licenses/{key}/assign", {"workspace_id": f"ws-{key[-5:]}"}
        )
        (self.t.active if answer.ok else self.t.coupons).append(key)

    def note(self) -> None:
        if self.t.active:
            key = self.t.rng.choice(self.t.active)
            self._call("note", "PATCH", f"/v1/licenses/{key}", {"note": f"soak {self.t.rng.randint(0, 999)}"})

    def renew(self) -> None:
        if self.t.active:
            key = self.t.rng.choice(self.t.active)
            path, idempotency_key = f"/v1/licenses/{key}/renew", self._idempotency_key("renew")
            answer = self._call("renew", "POST", path, {"years": 1}, idempotency_key=idempotency_key)
            if answer.ok:
                self.t.pending.append({"id": answer.body["id"], "type": "renewal"})

    def renew_with_coupon(self) -> None:
        """Half name the coupon, half let the system pick (the soonest deadline of the unnoted ones)."""
        if not (self.t.active and self.t.coupons):
            return
        key = self.t.rng.choice(self.t.active)
        named = self._take_coupon() if self.t.rng.random() < 0.5 else None
        body = {"coupon_key": named} if named else None
        answer = self._call("renew_with_coupon", "POST", f"/v1/licenses/{key}/renew-with-coupon", body)
        if answer.ok:
            used = answer.body["coupon"]["key"]
            if named is None and used in self.t.coupons:
                self.t.coupons.remove(used)
        elif named:
            self.t.coupons.append(named)

    def claim(self) -> None:
        """Walk the shared vendor keys: the first partner to claim one owns it; the others get 409."""
        if self.t.claim_at >= len(self.vendor_keys):
            return
        key = self.vendor_keys[self.t.claim_at]
        self.t.claim_at += 1
        answer = self._call("claim", "POST", "/v1/licenses/claim", {"key": key})
        if answer.ok:
            self.t.coupons.append(key)

    def monthly_order(self) -> None:
        if not self.t.monthly:
            return
        body = {
            "plan": "monthly",
            "product": PRODUCT,
            "devices": DEVICES,
            "licenses": self.t.rng.randint(1, 2),
        }
        answer = self._call(
            "monthly_order", "POST", "/v1/orders", body, idempotency_key=self._idempotency_key("m")
        )
        if answer.ok:
            self.t.monthly_keys.extend(answer.body["license_keys"])

    def usage(self) -> None:
        if self.t.monthly:
            self._call("usage", "GET", "/v1/billing/usage")
