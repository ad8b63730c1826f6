"""DynamoDB call budgets per operation, counted at botocore for the function alone (the authorizer's
own read is budgeted separately)."""

from __future__ import annotations

import pytest

from devtools.gateway import LambdaContext, LocalGateway
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.invoke import invoke


@pytest.fixture
def paid_keys(partner: Partner, webhook: WebhookSender) -> list[str]:
    order = partner.order(licenses=2).json()
    webhook.pay(order)
    return partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]


def test_authorizer_is_one_read(partner: Partner, ddb_calls) -> None:
    ddb_calls.reset()
    assert partner.api.get("/health").status == 200
    assert ddb_calls.calls == []  # a public route never reaches the authorizer
    ddb_calls.reset()
    from functions.authorizer import app

    event = {
        "type": "REQUEST",
        "methodArn": "arn:aws:execute-api:eu-west-1:123456789012:api/prod/GET/v1/catalog",
        "headers": {"Authorization": f"Bearer {partner.api_key}"},
        "path": "/v1/catalog",
        "httpMethod": "GET",
        "requestContext": {},
    }
    policy = app.lambda_handler(event, LambdaContext("authorizer"))
    assert policy["context"]["partner_id"] == partner.id
    assert ddb_calls.calls == ["GetItem"]


def test_lookup_of_an_active_key_is_one_read(gateway: LocalGateway, paid_keys: list[str], ddb_calls) -> None:
    body = {"license_key": paid_keys[0], "workspace_id": "ws-1"}
    invoke(gateway, None, "POST", "/v1/lookup", body)
    ddb_calls.reset()
    status, answer = invoke(gateway, None, "POST", "/v1/lookup", body)
    assert (status, answer["code"]) == (200, "VALID")
    assert ddb_calls.calls == ["GetItem"]


def test_first_use_activation_is_at_most_two_calls(
    gateway: LocalGateway, paid_keys: list[str], ddb_calls
) -> None:
    ddb_calls.reset()
    status, answer = invoke(
        gateway, None, "POST", "/v1/lookup", {"license_key": paid_keys[1], "workspace_id": "ws"}
    )
    assert (status, answer["code"]) == (200, "VALID")
    assert ddb_calls.calls == ["GetItem", "TransactWriteItems"]


@pytest.mark.parametrize("idempotency_key", [None, "budget-1"])
def test_checkout_is_at_most_two_calls(
    gateway: LocalGateway, partner: Partner, ddb_calls, idempotency_key: str | None
) -> None:
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    ddb_calls.reset()
    status, _ = invoke(
        gateway, partner, "POST", "/v1/orders", {"product": "home", "devices": 1, "years": 1}, **headers
    )
    assert status == 201
    assert ddb_calls.calls == ["GetItem", "TransactWriteItems"]


def test_monthly_checkout_with_keys_is_two_calls(
    gateway: LocalGateway, monthly_partner: Partner, ddb_calls
) -> None:
    ddb_calls.reset()
    body = {"plan": "monthly", "product": "home", "devices": 1, "licenses": 50}
    status, order = invoke(gateway, monthly_partner, "POST", "/v1/orders", body, **{"Idempotency-Key": "k"})
    assert (status, len(order["license_keys"])) == (201, 50)
    assert ddb_calls.calls == ["GetItem", "TransactWriteItems"]


def test_quote_and_catalog_are_one_read(gateway: LocalGateway, partner: Partner, ddb_calls) -> None:
    ddb_calls.reset()
    invoke(gateway, partner, "POST", "/v1/quotes", {"product": "home", "devices": 1, "years": 1})
    invoke(gateway, partner, "GET", "/v1/catalog")
    assert ddb_calls.calls == ["GetItem", "GetItem"]


def test_get_order_is_one_query(gateway: LocalGateway, partner: Partner, api: Api, ddb_calls) -> None:
    order = partner.order().json()
    ddb_calls.reset()
    status, _ = invoke(gateway, partner, "GET", f"/v1/orders/{order['id']}")
    assert status == 200
    assert ddb_calls.calls == ["Query"]  # the order and its usage counters share a partition


def test_single_license_payment_is_two_calls(
    gateway: LocalGateway, partner: Partner, webhook: WebhookSender, ddb_calls
):
    order = partner.order().json()
    ddb_calls.reset()
    assert webhook.pay(order).json()["outcome"] == "fulfilled"
    assert ddb_calls.calls == ["GetItem", "TransactWriteItems"]  # read the order; pay it with its key
