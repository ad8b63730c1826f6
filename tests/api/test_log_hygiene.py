"""No secret in the logs: a whole flow runs with every logger at DEBUG (the Powertools logger and the root
logger Lambda's runtime sends to CloudWatch), and no line holds an API key, the admin key, the webhook
secret or a signature, an Authorization header, or a full license key (a key shows its first group)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from devtools.gateway import LambdaContext, LocalGateway
from licensing.infra import bus
from licensing.infra.observability import logger
from licensing.licenses.keys import generate_key, masked
from licensing.store.table import LicenseItem
from tests.support.billing import scheduled
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.distributors import Distributor
from tests.support.environment import ADMIN_KEY, WEBHOOK_SECRET
from tests.support.log_scan import debug_logs, secrets_in
from tests.support.notifier import SENDER, eventbridge_event
from tests.support.paths import REPO_ROOT
from tests.support.table import unowned_key


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Every credential a request carried: Authorization values, their tokens, webhook signatures."""
    seen: dict[str, set[str]] = {"Authorization header": set(), "API key": set(), "signature": set()}
    original = LocalGateway.request

    def recording(self: LocalGateway, method: str, path: str, **kwargs: Any) -> Any:
        for name, value in (kwargs.get("headers") or {}).items():
            if name.lower() == "authorization":
                seen["Authorization header"].add(value)
                seen["API key"].add(value.partition(" ")[2])
                seen["API key"].add(value.partition(".")[2])  # a partner key's secret part
            elif name.lower() == "payment-signature":
                seen["signature"].add(value)
                seen["signature"].add(value.partition(",v1=")[2])
        return original(self, method, path, **kwargs)

    monkeypatch.setattr(LocalGateway, "request", recording)
    return seen


def full_flow(admin: Api, webhook: WebhookSender, recorded: bus.RecordingPublisher, outbox: Path) -> None:
    """Partner, API key, order, payment, lookup, assign, note, renew (paid), renew with coupon, claim,
    a monthly partner's billing, a distributor, the sweeper and the notifier."""
    partner = Partner.create(admin, name="Log Flow", discount_percent="10")
    monthly = Partner.create(admin, name="Log Monthly", billing="monthly")
    distributor = Distributor.create(admin)
    distributor.api.get("/v1/distributor/partners")
    order = partner.order(idempotency_key="logs", licenses=4).json()
    assert webhook.pay(order).status == 200
    keys = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    client = partner.api.with_key(None)
    assert client.post("/v1/lookup", {"license_key": keys[0], "workspace_id": "ws-1"}).status == 200
    client.post("/v1/lookup", {"license_key": keys[0].lower().replace("-", ""), "workspace_id": "ws-1"})
    client.post("/v1/lookup", {"license_key": generate_key(), "workspace_id": "ws-1"})  # 404
    assert partner.api.post(f"/v1/licenses/{keys[1]}/assign", {"workspace_id": "ws-2"}).status == 200
    assert partner.api.patch(f"/v1/licenses/{keys[1]}", {"note": "reserved"}).status == 200
    partner.api.get(f"/v1/licenses/{keys[1]}/history")
    partner.api.get(f"/v1/licenses/{keys[0]}/renewal-options")
    renewal = partner.api.post(
        f"/v1/licenses/{keys[0]}/renew", {"years": 1}, headers={"Idempotency-Key": "r"}
    )
    assert renewal.status == 201, renewal.body
    assert webhook.pay(renewal.json()).status == 200
    with_coupon = partner.api.post(f"/v1/licenses/{keys[1]}/renew-with-coupon", {"coupon_key": keys[2]})
    assert with_coupon.status == 200, with_coupon.body
    claimed = partner.api.post("/v1/licenses/claim", {"key": unowned_key()})
    assert claimed.status == 200, claimed.body
    partner.api.get("/v1/licenses", query={"q": "ws"})
    partner.api.get(f"/v1/licenses/{keys[0].lower()}")  # a key in the path, as typed
    partner.api.post("/v1/licenses/claim", {"key": keys[3][:-1] + "0"})  # a typo: 400
    webhook.pay(order, signature="t=1,v1=" + "0" * 64)  # a forged signature: 401
    wrong_secret = partner.api.with_key(f"{partner.key_id}.WRONGSECRETWRONGSECRETWRONGSECR")
    assert wrong_secret.get(f"/v1/licenses/{keys[0].lower()}").status == 401  # the authorizer refuses
    assert monthly.monthly_order(licenses=2, idempotency_key="logs-monthly").status == 201
    monthly_key = monthly.api.get("/v1/licenses", query={"limit": "1"}).json()["items"][0]["key"]
    client.post("/v1/lookup", {"license_key": monthly_key, "workspace_id": "ws-m"})
    monthly.api.get("/v1/billing/usage")
    gateway = admin.gateway
    next_month = (datetime.now(UTC).replace(day=1) + timedelta(days=32)).replace(day=1, hour=2)
    gateway.handler("functions.billing_run.app")(scheduled(next_month), LambdaContext("billing_run", 900_000))
    eleven_months_on = (datetime.now(UTC) + timedelta(days=335)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sweep = gateway.handler("functions.sweeper.app")(
        {"time": eleven_months_on}, LambdaContext("sweeper", 900_000)
    )
    assert sweep["published"]
    notify = gateway.handler("functions.notifier.app")
    for event in list(recorded.events):
        entry = event.as_entry("bus")
        notify(
            eventbridge_event(entry["DetailType"], json.loads(entry["Detail"])),
            LambdaContext("notifier"),
        )
    assert any(outbox.iterdir()), "the notifier wrote e-mails (with keys in them, not in the logs)"
    admin.delete(f"/v1/admin/api-keys/{partner.key_id}")


def test_a_full_flow_logs_no_secret(
    api: Api,
    recorded_events: bus.RecordingPublisher,
    webhook: WebhookSender,
    sent: dict[str, set[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTIFIER_OUTBOX_DIR", str(tmp_path))
    monkeypatch.setenv("NOTIFIER_FROM_ADDRESS", SENDER)
    with debug_logs() as logs:
        full_flow(api.with_key(ADMIN_KEY), webhook, recorded_events, tmp_path)
    keys = [item.key for item in LicenseItem.scan()]

    assert len(logs) > 100, "the flow was logged at DEBUG"
    forbidden = {
        **sent,
        "admin key": {ADMIN_KEY},
        "webhook secret": {WEBHOOK_SECRET},
        "license key": {form for key in keys for form in (key, key.replace("-", ""), key.lower())},
    }
    findings = secrets_in(logs, forbidden)
    assert not findings, f"{len(findings)} secrets in {len(logs)} lines:\n" + "\n".join(findings[:20])


EVENT_LOGGING_SCRIPT = """
import json
from devtools.fake_payments import signed_payment_event
from devtools.gateway import LocalGateway

gateway = LocalGateway()
secret = "Bearer SECRET-IN-THE-EVENT"
body = json.dumps({"license_key": "BODY-IN-THE-EVENT", "workspace_id": "ws"})
print(gateway.request("GET", "/health", headers={"Authorization": secret}).status)
print(gateway.request("POST", "/v1/lookup", headers={"Authorization": secret}, body=body).status)
raw, headers = signed_payment_event(order_id="BODY-IN-THE-EVENT", amount=1, currency="EUR", secret="wrong")
print(gateway.request("POST", "/v1/webhooks/payments", headers=headers, body=raw).status)
print(gateway.request("GET", "/v1/admin/partners/ptn_1", headers={"Authorization": secret}).status)
"""


def test_no_function_logs_its_event_even_when_the_environment_asks() -> None:
    """POWERTOOLS_LOGGER_LOG_EVENT=true would log each API Gateway event whole (its Authorization header,
    its body): every entry point passes log_event=False. A fresh interpreter, as the decorators read the
    variable when the modules load; these requests need no table (refused before any read)."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT")},
        "POWERTOOLS_LOGGER_LOG_EVENT": "true",
        "POWERTOOLS_LOG_LEVEL": "DEBUG",
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "layers" / "shared")]),
    }
    run = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", EVENT_LOGGING_SCRIPT],
        env=environment, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    statuses = [line for line in run.stdout.splitlines() if line.isdigit()]
    assert statuses == ["200", "400", "401", "401"], run.stdout[-2000:]
    logged = run.stdout + run.stderr
    assert '"level":"INFO"' in logged  # the functions did log (their refusals)
    assert "SECRET-IN-THE-EVENT" not in logged
    assert "BODY-IN-THE-EVENT" not in logged


def test_the_scanner_finds_a_deliberately_logged_secret() -> None:
    """The check above fails when a secret is logged: through the root logger (as a library would) and
    through ours, where only the formatter's masking keeps a full key out."""
    key, api_key = generate_key(), "plk_01TEST.SECRETSECRETSECRET"
    with debug_logs() as lines:
        logging.getLogger("botocore.parsers").warning("Response body: %s", {"key": key})
        logging.getLogger("some.library").debug("Authorization: Bearer %s", api_key)
        logger.info("Activated", extra={"event_id": f"license-activated:{key}"})
    findings = secrets_in(lines, {"API key": {api_key}})
    assert [finding.split(":")[0] for finding in findings] == [f"license key {key}", "API key"]
    assert masked(key) in lines[-1] and key not in lines[-1]
    assert masked(key) == f"{key[:5]}-*****-*****-*****-*****"
