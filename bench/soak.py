"""`python -m bench.soak` (`make soak COUNT=5000`): a bounded soak against the dev server.

It starts the dev server as `make dev` does (DEV_DYNAMODB=local, a free loopback port), creates partners
through the admin API and seeds a few vendor keys no partner owns, then drives every partner from its own
thread with mixed work until COUNT operations have been made: checkout (with client resends of the same
Idempotency-Key), pay (and duplicate payments), lookups, assign, notes, paid renewals, renew-with-coupon,
claims of the shared vendor keys (partners race for them), monthly orders and usage. Then it reads the
whole table and the bus and checks the invariants of `bench.soak_checks`; it exits 1 when one breaks.
Figures go to stdout and build/soak/summary.json.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.environment import IMPORT_PATHS, REPO_ROOT
from bench.soak_http import CREDENTIALS, REGION, Answer, Client, DevServer, Sample, devserver

SUMMARY = REPO_ROOT / "build" / "soak" / "summary.json"
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


@dataclass
class Result:
    operations: int
    seconds: float
    samples: list[Sample]
    violations: dict[str, list[str]]
    engine: str
    state: Any = None  # the Snapshot the checks read

    @property
    def passed(self) -> bool:
        return not any(self.violations.values())


def _setup(server: DevServer, partners: int, vendor_keys: int, seed: int) -> tuple[list[Tenant], list[str]]:
    admin = Client(server.url)
    tenants = []
    for index in range(partners):
        monthly = index % 2 == 1
        body = {
            "name": f"Soak {index}",
            "email": f"soak{index}@partner.example",
            "currency": "EUR",
            "discount_percent": "5",
            "billing": "monthly" if monthly else "prepaid",
        }
        created = admin.call("setup", "POST", "/v1/admin/partners", body, key=server.admin_key)
        issued = admin.call(
            "setup",
            "POST",
            f"/v1/admin/partners/{created.body['id']}/api-keys",
            {"name": "soak"},
            key=server.admin_key,
        )
        if not (created.ok and issued.ok):
            raise RuntimeError(f"setting up partner {index} failed: {created.status} {issued.status}")
        tenants.append(
            Tenant(created.body["id"], issued.body["api_key"], monthly, random.Random(seed + index))  # noqa: S311 - a workload
        )
    admin.close()
    return tenants, _seed_vendor_keys(server, vendor_keys)


def _dynamodb(server: DevServer) -> Any:
    import boto3

    access_key, secret = CREDENTIALS
    return boto3.client(
        "dynamodb",
        endpoint_url=server.dynamodb_endpoint,
        region_name=REGION,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
    )


def _seed_vendor_keys(server: DevServer, count: int) -> list[str]:
    """Keys the vendor issued without an order (the API cannot make them), written as the repository does."""
    from licensing.licenses import repository as license_repo
    from licensing.licenses.keys import generate_key
    from licensing.licenses.lifecycle import activation_deadline

    now = datetime.now(UTC).replace(microsecond=0)
    keys, client = [generate_key() for _ in range(count)], _dynamodb(server)
    for key in keys:
        item = license_repo.new_license(
            key,
            product=PRODUCT,
            devices=DEVICES,
            term_months=12,
            partner_id=None,
            order_id=None,
            purchased_at=now,
            activation_deadline=activation_deadline(now),
            customer_ref=None,
            now=now,
        )
        client.put_item(TableName=server.table_name, Item=item.serialize())
    return keys


def _snapshot(server: DevServer, vendor_keys: list[str], clients: list[Client], unexpected: list[str]) -> Any:
    from boto3.dynamodb.types import TypeDeserializer

    from bench.soak_checks import Snapshot, plain

    deserializer, client, items = TypeDeserializer(), _dynamodb(server), []
    for page in client.get_paginator("scan").paginate(TableName=server.table_name, ConsistentRead=True):
        items += [
            plain({name: deserializer.deserialize(value) for name, value in raw.items()})
            for raw in page["Items"]
        ]
    reader = Client(server.url)
    events = reader.call("events", "GET", "/dev/events")
    reader.close()
    server_errors = [error for one in [*clients, reader] for error in one.server_errors]
    return Snapshot(items, events.body["items"], set(vendor_keys), server_errors, unexpected)


def run(
    count: int,
    *,
    partners: int = 4,
    seed: int = 12,
    outbox: Path | None = None,
    dynamodb_endpoint: str | None = None,
) -> Result:
    """Start a dev server, run `count` operations over `partners` partners, check the invariants."""
    for path in reversed(IMPORT_PATHS):
        if path not in sys.path:
            sys.path.insert(0, path)
    from bench import soak_checks

    outbox = outbox or REPO_ROOT / "build" / "soak" / "outbox"
    with devserver(outbox, dynamodb_endpoint) as server:
        tenants, vendor_keys = _setup(server, partners, max(3, count // 60), seed)
        workers = [
            Worker(tenant, Client(server.url), vendor_keys, count // partners + (index < count % partners))
            for index, tenant in enumerate(tenants)
        ]
        threads = [
            threading.Thread(target=worker.run, name=f"soak-{index}", daemon=True)
            for index, worker in enumerate(workers)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        for worker in workers:
            worker.client.close()
        unexpected = [line for worker in workers for line in worker.unexpected]
        state = _snapshot(server, vendor_keys, [worker.client for worker in workers], unexpected)
        engine = server.engine
    samples = [sample for worker in workers for sample in worker.client.samples]
    return Result(len(samples), seconds, samples, soak_checks.check(state), engine, state)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # so the dev server is stopped on the way out


def main() -> int:
    from bench import soak_report

    signal.signal(signal.SIGTERM, _interrupt)
    count = int(os.environ.get("COUNT") or 5000)
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")  # as for `make dev`: a fresh, empty engine
    result = run(count, partners=int(os.environ.get("PARTNERS") or 4), dynamodb_endpoint=endpoint)
    summary = soak_report.summary(result)
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(soak_report.text(summary))
    print(f"Summary: {SUMMARY.relative_to(REPO_ROOT)}")
    return 0 if result.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
