"""A body over its route's limit is 413 PAYLOAD_TOO_LARGE before it is parsed, authorized or stored:
64 KiB for the API (the webhook too), 4 KiB for the lookup, API Gateway's own 10 MB above all."""

from __future__ import annotations

import json

import pytest

from devtools.gateway import MAX_PAYLOAD_BYTES
from licensing.http.proxy import LOOKUP_MAX_BODY_BYTES, MAX_BODY_BYTES, body_size
from licensing.licenses.keys import generate_key
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.problems import assert_problem
from tests.support.table import snapshot


def padded(fields: dict[str, object], size: int) -> str:
    """`fields` as JSON padded with white space (still valid JSON) to exactly `size` bytes."""
    text = json.dumps(fields)
    return text + " " * (size - len(text))


def test_an_oversize_lookup_is_413_with_no_database_call(api: Api, ddb_calls) -> None:
    body = padded({"license_key": generate_key(), "workspace_id": "ws-1"}, LOOKUP_MAX_BODY_BYTES + 1)
    before = snapshot()
    ddb_calls.reset()
    answer = api.post("/v1/lookup", body=body, headers={"Content-Type": "application/json"})
    problem = assert_problem(answer, 413, "PAYLOAD_TOO_LARGE")
    assert str(LOOKUP_MAX_BODY_BYTES) in problem["detail"]
    assert ddb_calls.calls == []
    assert snapshot() == before


def test_a_lookup_at_its_limit_is_read(api: Api) -> None:
    body = padded({"license_key": generate_key(), "workspace_id": "ws-1"}, LOOKUP_MAX_BODY_BYTES)
    answer = api.post("/v1/lookup", body=body, headers={"Content-Type": "application/json"})
    assert_problem(answer, 404, "LICENSE_NOT_FOUND")  # parsed and looked up: no one has the key


def test_an_oversize_webhook_is_413_before_its_signature_or_any_read(
    partner: Partner, webhook: WebhookSender, ddb_calls
) -> None:
    order = partner.order().json()
    before = snapshot()
    ddb_calls.reset()
    # A correctly signed event: the size alone refuses it.
    answer = webhook.send(order["id"], order["total"]["amount"], event_id="evt_" + "x" * MAX_BODY_BYTES)
    assert_problem(answer, 413, "PAYLOAD_TOO_LARGE")
    assert ddb_calls.calls == []
    assert snapshot() == before
    assert partner.api.get(f"/v1/orders/{order['id']}").json()["status"] == "pending_payment"


def test_an_oversize_admin_body_is_413_with_no_database_call(admin: Api, ddb_calls) -> None:
    body = padded({"name": "Big", "email": "big@example.com", "currency": "EUR"}, MAX_BODY_BYTES + 1)
    before = snapshot()
    ddb_calls.reset()
    answer = admin.post("/v1/admin/partners", body=body, headers={"Content-Type": "application/json"})
    assert_problem(answer, 413, "PAYLOAD_TOO_LARGE")
    assert ddb_calls.calls == []  # the admin key is checked without the table
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/v1/orders"), ("POST", "/v1/quotes"), ("PATCH", "/v1/settings"), ("GET", "/v1/licenses")],
)
def test_an_oversize_partner_body_is_413_after_only_the_authorizers_key_read(
    partner: Partner, ddb_calls, method: str, path: str
) -> None:
    body = padded({"product": "business", "devices": 5, "years": 1}, MAX_BODY_BYTES + 1)
    before = snapshot()
    ddb_calls.reset()
    answer = partner.api.request(method, path, body=body, headers={"Content-Type": "application/json"})
    assert_problem(answer, 413, "PAYLOAD_TOO_LARGE")
    # API Gateway runs the authorizer before the function and never shows it the body: its one read of
    # the API key (cached per key when AuthorizerCacheTtlSeconds > 0) is the only call.
    assert ddb_calls.calls == ["GetItem"]
    assert snapshot() == before


def test_a_body_at_the_api_limit_is_read(partner: Partner) -> None:
    body = padded({"product": "business", "devices": 5, "years": 1}, MAX_BODY_BYTES)
    answer = partner.api.post("/v1/quotes", body=body, headers={"Content-Type": "application/json"})
    assert answer.status == 200, answer.body


def test_api_gateway_refuses_more_than_its_quota_itself(api: Api, ddb_calls) -> None:
    ddb_calls.reset()
    answer = api.post("/v1/lookup", body="x" * (MAX_PAYLOAD_BYTES + 1))
    assert_problem(answer, 413, "PAYLOAD_TOO_LARGE")
    assert ddb_calls.calls == []


@pytest.mark.parametrize(
    ("body", "encoded", "size"),
    [
        ("", False, 0),
        ("abc", False, 3),
        ("é", False, 2),
        ("YWJj", True, 3),
        ("YWI=", True, 2),
        ("YQ==", True, 1),
    ],
)
def test_the_body_size_is_counted_in_bytes_as_sent(body: str, encoded: bool, size: int) -> None:
    assert body_size({"body": body, "isBase64Encoded": encoded}) == size
