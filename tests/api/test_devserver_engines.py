"""The dev server's embedded database: DynamoDB Local or moto, as DEV_DYNAMODB chooses; the banner says
which; a value that names no engine stops the server with a clear error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.devserver import ADMIN_KEY, call, devserver_environment, running_devserver
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.server


def test_dynamodb_local_serves_a_whole_order_and_the_banner_names_it(tmp_path: Path) -> None:
    with running_devserver(admin_key=ADMIN_KEY, outbox=tmp_path, dynamodb="local") as server:
        assert "DynamoDB Local, in memory" in server.banner_value(r"DynamoDB endpoint:\s+(.+)$")
        body = {"product": "business", "devices": 2, "years": 1}
        created = call(
            server.base_url, "POST", "/v1/orders", body, key=server.partner_key, Idempotency_Key="l1"
        )
        assert created.status == 201, created.body
        order_id = created.json()["id"]
        assert call(server.base_url, "POST", f"/dev/pay/{order_id}").json()["outcome"] == "fulfilled"
        order = call(server.base_url, "GET", f"/v1/orders/{order_id}", key=server.partner_key).json()
        assert order["status"] == "fulfilled"
        items = call(server.base_url, "GET", "/dev/events").json()["items"]
        kinds = [item["detail_type"] for item in items]  # through DynamoDB Local's stream and the relay
        assert kinds.count("OrderPlaced") == kinds.count("OrderPaid") == kinds.count("LicensesIssued") == 1


def test_moto_is_chosen_by_name(tmp_path: Path) -> None:
    with running_devserver(admin_key=ADMIN_KEY, outbox=tmp_path, dynamodb="moto") as server:
        assert "embedded moto server" in server.banner_value(r"DynamoDB endpoint:\s+(.+)$")
        assert call(server.base_url, "GET", "/v1/catalog", key=server.partner_key).status == 200


def test_an_unknown_engine_is_a_clear_error(tmp_path: Path) -> None:
    env = devserver_environment(admin_key=ADMIN_KEY, outbox=tmp_path, dynamodb="postgres")
    done = subprocess.run(
        [sys.executable, "-m", "devtools.devserver"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "DEV_DYNAMODB='postgres' is not an engine: choose local or moto" in done.stderr
    assert "Traceback" not in done.stderr
