"""The Python client generated from docs/openapi.json (openapi-python-client, `make client`) covers every
operation and drives the real dev server through its typed API alone: buy, pay, read the keys, look one
up, renew, and an error answered as the operation's own problem model.

The client's modules exist only once the `generated_client` fixture has run, so the tests import them
in their bodies.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from devtools.client import SPEC

pytestmark = pytest.mark.server

UNKNOWN_ORDER = "ord_" + "0" * 26


def _snake(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def test_every_operation_of_the_document_is_an_endpoint_module_under_its_tag(generated_client: Path) -> None:
    document = json.loads(SPEC.read_text())
    operations = {
        (operation["tags"][0].lower(), _snake(operation["operationId"]))
        for methods in document["paths"].values()
        for operation in methods.values()
    }
    modules = {
        (path.parent.name, path.stem)
        for path in (generated_client / "api").glob("*/*.py")
        if path.name != "__init__.py"
    }
    assert len(operations) == 60
    assert modules == operations
    for tag, name in sorted(modules):
        assert "def sync_detailed(" in (generated_client / "api" / tag / f"{name}.py").read_text(), name


def test_buy_pay_look_up_renew_through_the_typed_client(
    generated_client: Path, base_url: str, partner_key: str
) -> None:
    from licensing_client import AuthenticatedClient, Client
    from licensing_client.api.licenses import get_license
    from licensing_client.api.lookup import lookup_license
    from licensing_client.api.orders import create_order, get_order
    from licensing_client.api.renewals import get_renewal_options, renew_license
    from licensing_client.models import (
        LicenseOut,
        LookupOut,
        LookupOutCode,
        LookupRequest,
        OrderOut,
        OrderOutType,
        OrderRequest,
        RenewalOptionsOut,
        RenewRequest,
    )

    partner = AuthenticatedClient(base_url=base_url, token=partner_key, raise_on_unexpected_status=True)
    public = Client(base_url=base_url, raise_on_unexpected_status=True)

    def pay(order_id: str) -> None:
        """The dev server's simulated payment: a dev-only route, so not in the document."""
        paid = partner.get_httpx_client().post(f"/dev/pay/{order_id}")
        assert paid.status_code == 200, paid.text
        assert paid.json()["outcome"] == "fulfilled"

    body = OrderRequest(product="business", devices=5, years=1)
    created = create_order.sync_detailed(client=partner, body=body, idempotency_key="client-e2e-order")
    assert created.status_code == 201, created.content
    assert isinstance(created.parsed, OrderOut)
    assert (created.parsed.type_, created.parsed.status) == (OrderOutType.NEW, "pending_payment")
    assert created.parsed.license_keys == []
    replayed = create_order.sync(client=partner, body=body, idempotency_key="client-e2e-order")
    assert isinstance(replayed, OrderOut) and replayed.id == created.parsed.id

    pay(created.parsed.id)
    order = get_order.sync(created.parsed.id, client=partner)
    assert isinstance(order, OrderOut)
    assert order.status == "fulfilled"
    assert len(order.license_keys) == 1
    key = order.license_keys[0]

    looked = lookup_license.sync(client=public, body=LookupRequest(license_key=key, workspace_id="ws-client"))
    assert isinstance(looked, LookupOut)
    assert (looked.valid, looked.code) == (True, LookupOutCode.VALID)
    assert (looked.license_.key, looked.license_.workspace_id) == (key, "ws-client")
    assert looked.license_.activated_at is not None  # the first lookup activated the coupon
    first_expiry = looked.license_.expires_at
    assert first_expiry is not None

    options = get_renewal_options.sync(key, client=partner)
    assert isinstance(options, RenewalOptionsOut)
    one_more_year = next(option for option in options.renew if option.years == 1)
    renewal = renew_license.sync_detailed(
        key, client=partner, body=RenewRequest(years=1), idempotency_key="client-e2e-renewal"
    )
    assert renewal.status_code == 201, renewal.content
    assert isinstance(renewal.parsed, OrderOut)
    assert renewal.parsed.type_ == OrderOutType.RENEWAL
    assert renewal.parsed.id != order.id

    pay(renewal.parsed.id)
    renewed = get_license.sync(key, client=partner)
    assert isinstance(renewed, LicenseOut)
    assert renewed.expires_at == one_more_year.expires_at
    assert renewed.expires_at > first_expiry  # ISO 8601 UTC, one format: text order is time order


def test_an_unknown_order_is_the_operations_typed_404_problem(
    generated_client: Path, base_url: str, partner_key: str
) -> None:
    from licensing_client import AuthenticatedClient
    from licensing_client.api.orders import get_order
    from licensing_client.models import GetOrderResponse404, GetOrderResponse404Code

    partner = AuthenticatedClient(base_url=base_url, token=partner_key, raise_on_unexpected_status=True)

    missing = get_order.sync_detailed(UNKNOWN_ORDER, client=partner)

    assert missing.status_code == 404
    assert missing.headers["Content-Type"].startswith("application/problem+json")
    assert isinstance(missing.parsed, GetOrderResponse404)
    assert missing.parsed.code == GetOrderResponse404Code.ORDER_NOT_FOUND
    assert missing.parsed.status == 404
    assert UNKNOWN_ORDER in missing.parsed.detail
