"""Secrets are compared in constant time: every check of the admin key, an API key's secret and a webhook
signature goes through `hmac.compare_digest` (an `==` would answer sooner the earlier a guess goes wrong),
for a right and a wrong value alike, through the real handlers."""

from __future__ import annotations

import hmac
from typing import Any

import pytest

from tests.support.clients import Api, Partner, WebhookSender
from tests.support.environment import ADMIN_KEY


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Any]]:
    """The arguments of every `hmac.compare_digest` call."""
    calls: list[tuple[Any, Any]] = []
    original = hmac.compare_digest

    def recording(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    return calls


@pytest.mark.parametrize("token", [ADMIN_KEY, ADMIN_KEY[:-1] + "x", "x"])
def test_the_admin_key_is_compared_in_constant_time(api: Api, compared, token: str) -> None:
    answer = api.with_key(token).get("/v1/admin/partners/ptn_01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert answer.status == (404 if token == ADMIN_KEY else 401)
    assert len(compared) == 1
    assert token not in compared[0] and ADMIN_KEY not in compared[0]  # digests of equal length


@pytest.mark.parametrize("right", [True, False])
def test_an_api_key_secret_is_compared_in_constant_time(partner: Partner, compared, right: bool) -> None:
    key = partner.api_key if right else partner.api_key[:-1] + ("0" if partner.api_key[-1] != "0" else "1")
    answer = partner.api.with_key(key).get("/v1/catalog")
    assert answer.status == (200 if right else 401)
    assert len(compared) == 1


@pytest.mark.parametrize("right", [True, False])
def test_a_webhook_signature_is_compared_in_constant_time(
    partner: Partner, webhook: WebhookSender, compared, right: bool
) -> None:
    order = partner.order().json()
    compared.clear()
    answer = webhook.pay(order, secret=None if right else "whsec_wrong")
    assert answer.status == (200 if right else 401)
    assert compared, "the signature was compared with compare_digest"
    assert all(len(a) == len(b) == 64 for a, b in compared)  # hex HMAC-SHA256, never the secret
