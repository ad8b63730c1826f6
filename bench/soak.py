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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.environment import IMPORT_PATHS, REPO_ROOT
from bench.soak_http import CREDENTIALS, REGION, Client, DevServer, Sample, devserver
from bench.soak_workload import DEVICES, PRODUCT, Tenant, Worker

SUMMARY = REPO_ROOT / "build" / "soak" / "summary.json"


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
            {"name": "soak", "role": "owner"},
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
