"""The transaction wrapper: cancellation reasons reach the right labels, and a TransactionConflict is
retried with a well-formed request (real DynamoDB cancels concurrent transactions on one item that way;
the one-request-at-a-time moto server never does, so the conflict is injected)."""

from __future__ import annotations

from typing import Any

import botocore.client
import pytest
from botocore.exceptions import ClientError

from licensing.core.actors import system
from licensing.store.table import LicenseItem
from licensing.store.transactions import Transaction, TransactionCancelled
from tests.support.clients import Partner, WebhookSender

pytestmark = pytest.mark.engines  # [moto] and [local]: tests/conftest.py


@pytest.fixture
def conflict_on(monkeypatch: pytest.MonkeyPatch) -> Any:
    """`conflict_on(n)`: the n-th TransactWriteItems (1-based) is cancelled once with TransactionConflict."""
    sent: list[dict[str, Any]] = []
    original = botocore.client.BaseClient._make_api_call

    def arm(nth: int) -> list[dict[str, Any]]:
        def patched(self: Any, operation: str, params: dict[str, Any]) -> Any:
            if operation == "TransactWriteItems":
                sent.append(params)
                if len(sent) == nth:
                    reasons = [{"Code": "TransactionConflict"}] + [{"Code": "None"}] * (
                        len(params["TransactItems"]) - 1
                    )
                    error = {"Error": {"Code": "TransactionCanceledException", "Message": "conflict"}}
                    raise ClientError({**error, "CancellationReasons": reasons}, operation)
            return original(self, operation, params)

        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", patched)
        return sent

    return arm


def _paid_keys(partner: Partner, webhook: WebhookSender, licenses: int) -> tuple[dict, list[str]]:
    order = partner.order(licenses=licenses).json()
    webhook.pay(order)
    return order, partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]


def test_activation_retries_a_conflict(partner: Partner, webhook: WebhookSender, conflict_on) -> None:
    _, keys = _paid_keys(partner, webhook, 1)
    sent = conflict_on(1)
    answer = partner.api.with_key(None).post("/v1/lookup", {"license_key": keys[0], "workspace_id": "ws"})
    assert (answer.status, answer.json()["code"]) == (200, "VALID")
    assert len(sent) == 2
    # the retry is the same request, not one with a doubled version increment
    assert sent[0]["TransactItems"] == sent[1]["TransactItems"]


def test_refund_retries_a_conflict(partner: Partner, webhook: WebhookSender, conflict_on) -> None:
    order, keys = _paid_keys(partner, webhook, 3)
    conflict_on(2)  # the refund's own transaction passes; the first revocation chunk conflicts once
    assert webhook.pay(order, type="payment.refunded").json()["outcome"] == "refunded"
    assert all(LicenseItem.get(f"LICENSE#{key}", "LICENSE").revoked_at is not None for key in keys)


def test_cancellation_reasons_reach_their_labels(partner: Partner, webhook: WebhookSender) -> None:
    """PynamoDB sends puts before updates whatever order they were added in; the labels must follow."""
    from licensing.licenses import repository as licenses

    _, keys = _paid_keys(partner, webhook, 1)
    license = licenses.get(keys[0])
    tx = Transaction()
    tx.update(license, [LicenseItem.note.set("x")], condition=LicenseItem.PK.does_not_exist(), label="update")
    tx.put(
        licenses.history_entry(keys[0], at=license.purchased_at, actor=system("t"), action="t", changes={}),
        label="put",
    )
    with pytest.raises(TransactionCancelled) as cancelled:
        tx.commit()
    assert cancelled.value.reasons == {"update": "ConditionalCheckFailed"}
