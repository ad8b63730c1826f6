"""Domain events as EventBridge delivers them to the notifier, and the sender address it mails from."""

from __future__ import annotations

import uuid
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID

from tests.support.clients import Partner

SENDER = "notifications@vendor.example"


def eventbridge_event(detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
    """A domain event as an EventBridge rule delivers it to the notifier."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": "partner-licensing",
        "account": DEFAULT_ACCOUNT_ID,
        "time": "2026-11-27T10:00:00Z",
        "region": "eu-west-1",
        "resources": [],
        "detail": detail,
    }


def renewal_digest(partner: Partner, keys: list[str]) -> dict[str, Any]:
    expiries = ["2027-01-26T10:00:00Z", "2026-12-04T09:00:00Z"]  # 60 and 7 days after the run
    licenses = [
        {
            "license_key": key,
            "threshold_days": days,
            "expires_at": expires_at,
            "product": "business",
            "devices": 5,
            "customer_ref": f"CUST-{days}",
            "workspace_id": f"ws-{days}",
        }
        for key, days, expires_at in zip(keys, (60, 7), expiries, strict=True)
    ]
    return {
        "event_id": f"renewal-digest:{partner.id}:2026-11-27",
        "partner_id": partner.id,
        "run_at": "2026-11-27T10:00:00Z",
        "license_keys": keys,
        "licenses": licenses,
    }


def coupon_warning(partner: Partner, key: str) -> dict[str, Any]:
    return {
        "event_id": f"coupon-deadline:{key}:7",
        "partner_id": partner.id,
        "threshold_days": 7,
        "license_keys": [key],
        "coupons": [
            {
                "license_key": key,
                "activation_deadline": "2026-12-04T10:00:00Z",
                "product": "home",
                "devices": 1,
            }
        ],
    }


def customer_notice(partner: Partner, key: str, email: str | None) -> dict[str, Any]:
    return {
        "event_id": f"end-customer-expiry:{key}:2026-11-30T10:00:00Z",
        "partner_id": partner.id,
        "license_key": key,
        "expires_at": "2026-11-30T10:00:00Z",
        "product": "business",
        "devices": 5,
        "workspace_id": "ws-9",
        "customer_ref": "CUST-9",
        "customer_email": email,
    }
