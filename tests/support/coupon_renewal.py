"""Renewing with a coupon, as its API tests and its races on the moto server both do it."""

from __future__ import annotations

from typing import Any

from devtools.gateway import HttpResponse
from licensing.infra.bus import RecordingPublisher
from tests.support.clients import Partner


def of_type(recorded: RecordingPublisher, detail_type: str) -> list[dict[str, Any]]:
    return [{"event_id": e.event_id, **e.detail} for e in recorded.events if e.detail_type == detail_type]


def renew_once(partner: Partner, key: str, idempotency_key: str, body: Any = None) -> HttpResponse:
    headers = {"Idempotency-Key": idempotency_key}
    return partner.api.post(f"/v1/licenses/{key}/renew-with-coupon", body, headers=headers)
