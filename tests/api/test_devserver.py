"""The dev server, run as the developer runs it (`python -m devtools.devserver` in a subprocess, against
its own embedded moto server), driven over real HTTP with the keys its banner prints."""

from __future__ import annotations

import json
import re
import signal
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.support.devserver import ADMIN_KEY, Running, assert_problem, call

pytestmark = pytest.mark.server


def test_banner_shows_keys_endpoint_and_curl_commands(devserver: Running, base_url: str) -> None:
    out = devserver.output
    assert f"export API={base_url} KEY=plk_" in out
    assert devserver.banner_value(r"Admin key:\s+(\S+)") == ADMIN_KEY  # the user's value wins
    assert devserver.banner_value(r"Webhook secret:\s+(\S+)").startswith("whsec_dev_")
    assert devserver.banner_value(r"Demo partner:\s+(ptn_\S+)")
    assert "embedded moto server" in devserver.banner_value(r"DynamoDB endpoint:\s+(.+)$")
    for snippet in (
        "/v1/catalog",
        "/v1/quotes",
        "Idempotency-Key",
        "/dev/pay/$ORDER",
        "/v1/orders/$ORDER",
        "/v1/lookup",
        "/v1/licenses/$LICENSE/renewal-options",
        "/v1/licenses/$LICENSE/renew",
        "/dev/pay/$RENEWAL",
    ):
        assert snippet in out


def test_health(base_url: str) -> None:
    reply = call(base_url, "GET", "/health")
    assert reply.status == 200
    assert reply.json() == {"status": "ok"}


def test_buy_pay_look_up_and_see_the_events(base_url: str, partner_key: str) -> None:
    catalog = call(base_url, "GET", "/v1/catalog", key=partner_key)
    assert catalog.status == 200, catalog.body
    assert catalog.json()["currency"] == "EUR"

    order_body = {"product": "business", "devices": 5, "years": 1}
    created = call(base_url, "POST", "/v1/orders", order_body, key=partner_key, Idempotency_Key="devserver-1")
    assert created.status == 201, created.body
    order_id = created.json()["id"]
    replayed = call(
        base_url, "POST", "/v1/orders", order_body, key=partner_key, Idempotency_Key="devserver-1"
    )
    assert replayed.status == 201
    assert replayed.json()["id"] == order_id

    paid = call(base_url, "POST", f"/dev/pay/{order_id}")
    assert paid.status == 200, paid.body
    assert paid.json()["outcome"] == "fulfilled"

    order = call(base_url, "GET", f"/v1/orders/{order_id}", key=partner_key)
    assert order.status == 200, order.body
    assert order.json()["status"] == "fulfilled"
    assert len(order.json()["license_keys"]) == 1
    license_key = order.json()["license_keys"][0]

    looked = call(base_url, "POST", "/v1/lookup", {"license_key": license_key, "workspace_id": "ws-dev"})
    assert looked.status == 200, looked.body
    assert looked.json()["code"] == "VALID"

    options = call(base_url, "GET", f"/v1/licenses/{license_key}/renewal-options", key=partner_key)
    assert options.status == 200, options.body
    expiry_after_one_more_year = options.json()["renew"][0]["expires_at"]
    renewal = call(
        base_url, "POST", f"/v1/licenses/{license_key}/renew", {"years": 1}, key=partner_key,
        Idempotency_Key="devserver-renewal",
    )  # fmt: skip
    assert renewal.status == 201, renewal.body
    assert call(base_url, "POST", f"/dev/pay/{renewal.json()['id']}").json()["outcome"] == "fulfilled"
    renewed = call(base_url, "GET", f"/v1/licenses/{license_key}", key=partner_key).json()
    assert renewed["expires_at"] == expiry_after_one_more_year

    recorded = call(base_url, "GET", "/dev/events")
    assert recorded.status == 200
    items = recorded.json()["items"]
    assert {"detail_type", "event_id", "detail"} <= set(items[0])
    kinds = [item["detail_type"] for item in items]
    for kind in ("OrderPlaced", "OrderPaid", "LicensesIssued", "LicenseActivated", "LicenseRenewed"):
        assert kind in kinds
    assert kinds.index("OrderPlaced") < kinds.index("OrderPaid") < kinds.index("LicenseActivated")


def test_a_request_without_a_key_is_a_401_problem(base_url: str) -> None:
    reply = call(base_url, "GET", "/v1/catalog")
    assert_problem(reply, 401, "UNAUTHORIZED")
    assert reply.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_routes_are_404_problems(base_url: str, partner_key: str) -> None:
    assert_problem(call(base_url, "GET", "/v1/nowhere", key=partner_key), 404, "NOT_FOUND")
    assert_problem(call(base_url, "GET", "/dev/nowhere"), 404, "NOT_FOUND")
    assert_problem(call(base_url, "POST", "/dev/pay/ord_missing"), 404, "ORDER_NOT_FOUND")


def test_dev_sweep_runs_the_sweeper_and_the_notifier_writes_the_mail(
    devserver: Running, base_url: str, partner_key: str
) -> None:
    body = {"product": "home", "devices": 1, "years": 1}
    order_id = call(base_url, "POST", "/v1/orders", body, key=partner_key).json()["id"]
    assert call(base_url, "POST", f"/dev/pay/{order_id}").json()["outcome"] == "fulfilled"
    coupon = call(base_url, "GET", f"/v1/orders/{order_id}", key=partner_key).json()["license_keys"][0]
    deadline = call(base_url, "GET", f"/v1/licenses/{coupon}", key=partner_key).json()["activation_deadline"]
    a_week_before = datetime.fromisoformat(deadline.replace("Z", "+00:00")) - timedelta(days=6, hours=23)

    swept = call(base_url, "POST", "/dev/sweep", {"now": a_week_before.strftime("%Y-%m-%dT%H:%M:%SZ")})

    assert swept.status == 200, swept.body
    assert swept.json()["published"].get("CouponDeadlineWarning") == 1
    warnings = [e for e in call(base_url, "GET", "/dev/events").json()["items"]
                if e["detail_type"] == "CouponDeadlineWarning"]  # fmt: skip
    assert any(coupon in e["detail"]["license_keys"] for e in warnings)
    outbox = Path(devserver.banner_value(r"E-mails:\s+(\S+)"))
    mails = [json.loads(path.read_text()) for path in outbox.glob("*.json")]
    warned = [m for m in mails if m["detail_type"] == "CouponDeadlineWarning" and coupon in m["text"]]
    assert warned and warned[0]["to"] == "demo@reseller.example", mails
    assert_problem(call(base_url, "POST", "/dev/sweep", {"now": "soon"}), 400, "VALIDATION_ERROR")


def test_ctrl_c_stops_cleanly_and_every_request_was_logged(devserver: Running, base_url: str) -> None:
    assert call(base_url, "GET", "/health").status == 200
    devserver.process.send_signal(signal.SIGINT)
    assert devserver.process.wait(timeout=10) == 0
    assert re.search(r"^GET /health 200 \d+ms$", devserver.output, re.MULTILINE), devserver.output
    assert re.search(r"^POST /dev/pay/ord_\S+ 200 \d+ms$", devserver.output, re.MULTILINE)
