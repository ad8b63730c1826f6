"""Distributors for the tests: one created through the admin API, with its own API key, and a client that
speaks to the local gateway with that key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devtools.gateway import HttpResponse
from tests.support.clients import Api

ORDER = {"product": "business", "devices": 5, "years": 1}


def create_distributor(admin: Api, **fields: Any) -> dict[str, Any]:
    body = {"name": "Nordic Distribution", "email": "orders@nordic.example", **fields}
    created = admin.post("/v1/admin/distributors", body)
    assert created.status == 201, created.body
    return created.json()


@dataclass
class Distributor:
    id: str
    api_key: str
    key_id: str
    api: Api
    profile: dict[str, Any]

    @classmethod
    def create(cls, admin: Api, **fields: Any) -> Distributor:
        profile = create_distributor(admin, **fields)
        key = admin.post(f"/v1/admin/distributors/{profile['id']}/api-keys", {"name": "tests"})
        assert key.status == 201, key.body
        token = key.json()["api_key"]
        return cls(profile["id"], token, key.json()["key_id"], admin.with_key(token), profile)

    def order_for(self, partner_id: str, idempotency_key: str | None = None, **fields: Any) -> HttpResponse:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.api.post(
            f"/v1/distributor/partners/{partner_id}/orders", {**ORDER, **fields}, headers=headers
        )
