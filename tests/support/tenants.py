"""The world of the authorization matrix, built once through the API: partner A owns one of everything
(orders, licenses and coupons, monthly licenses and their usage, offers, discount requests, API keys);
partner C is served by distributor D, who ordered for it; partner B and distributor E own nothing of
theirs. `callers` are the identities that knock on every route; `identifiers` what A's and C's data
must never show to anyone else."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from devtools import user_pool as user_pools
from devtools.fake_payments import signed_payment_event
from devtools.gateway import LocalGateway
from devtools.table import create_table
from devtools.user_pool import UserPool
from licensing.access import tokens
from licensing.core import clock
from licensing.infra import bus
from licensing.licenses.keys import generate_key
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.distributors import Distributor
from tests.support.environment import ADMIN_KEY, ENVIRONMENT, TABLE, WEBHOOK_SECRET
from tests.support.offers import ask_discount, create_offer
from tests.support.people import FakeJwks, sign_in

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # the offers' helpers expire them at the end of 2026
A_NAME, A_EMAIL = "Alpha Matrix Resellers", "alpha-ops@alpha-matrix.example"
C_NAME, C_EMAIL = "Charlie Matrix Shop", "charlie@charlie-matrix.example"
A_CUSTOMER = "alpha-customer-4711"
C_CUSTOMER = "charlie-customer-0815"
# A's callers with a role (licensing.access.roles) besides its owner key: API keys of the other roles,
# and people of every role signed in through Cognito (owner and read_only with their access token,
# purchaser and billing with their ID token)
KEY_CALLERS = {"purchaser_key": "purchaser", "billing_key": "billing", "read_only_key": "read_only"}
PERSON_CALLERS = {"owner_person": "owner", "purchaser_person": "purchaser", "billing_person": "billing"}
PERSON_CALLERS |= {"read_only_person": "read_only"}
ROLE_CALLERS = KEY_CALLERS | PERSON_CALLERS
ID_TOKEN_CALLERS = ("purchaser_person", "billing_person")
PASSWORD = {"temporary_password": "Matrix-Passw0rd!"}
B_PERSON = "bravo-person@bravo-matrix.example"


@dataclass
class World:
    a: Partner
    c: Partner
    d: Distributor
    ids: dict[str, str] = field(default_factory=dict)  # A's and C's named resources, e.g. "active"
    identifiers: dict[str, set[str]] = field(default_factory=dict)  # tenant ("A", "C") -> its ids
    callers: dict[str, dict[str, str]] = field(default_factory=dict)  # identity -> its request headers

    def owns(self, tenant: str, *values: str) -> None:
        self.identifiers.setdefault(tenant, set()).update(values)

    def payment(self, order_id: str, amount: int) -> tuple[str, dict[str, str]]:
        """The provider's signed payment event for the order: its raw body and headers."""
        return signed_payment_event(
            order_id=order_id, amount=amount, currency="EUR", secret=WEBHOOK_SECRET,
            timestamp=int(clock.now().timestamp()),
        )  # fmt: skip


@contextmanager
def matrix_world(gateway: LocalGateway) -> Iterator[World]:
    """A fresh moto account and the world in it, on a clock frozen at NOW, for one test module."""
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        patch.setattr(clock, "now", lambda: NOW)
        bus.set_publisher(bus.RecordingPublisher())
        try:
            create_table(boto3.client("dynamodb"), TABLE)
            pool = user_pools.create_user_pool(boto3.client("cognito-idp"))
            previous = user_pools.apply(pool)
            patch.delenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", raising=False)
            patch.setattr(tokens, "fetch_jwks", FakeJwks(pool))
            tokens.reset()
            try:
                yield build(Api(gateway), pool)
            finally:
                user_pools.restore(previous)
        finally:
            bus.set_publisher(None)


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status == status, response.body
    return response.json()


def build(api: Api, pool: UserPool) -> World:
    admin = api.with_key(ADMIN_KEY)
    webhook = WebhookSender(api, WEBHOOK_SECRET)
    d = Distributor.create(admin, name="Delta Matrix Distribution", email="orders@delta-matrix.example")
    e = Distributor.create(admin, name="Echo Matrix Distribution", email="orders@echo-matrix.example")
    a = Partner.create(admin, name=A_NAME, email=A_EMAIL, billing="monthly", discount_percent="10")
    b = Partner.create(admin, name="Bravo Matrix Resellers", email="bravo@bravo-matrix.example")
    c = Partner.create(admin, name=C_NAME, email=C_EMAIL, distributor_id=d.id)
    world = World(a, c, d)
    world.ids.update(partner_a=a.id, partner_c=c.id, distributor_d=d.id)
    world.owns("A", a.id, A_NAME, A_EMAIL, A_CUSTOMER, a.key_id)
    world.owns("C", c.id, C_NAME, C_EMAIL, C_CUSTOMER, c.key_id)

    # A's keys: the one in use, one revoked, one the admin revokes in the matrix
    revoked = _ok(admin.post(f"/v1/admin/partners/{a.id}/api-keys", {"name": "old"}), 201)
    assert admin.delete(f"/v1/admin/api-keys/{revoked['key_id']}").status == 204
    spare = _ok(admin.post(f"/v1/admin/partners/{a.id}/api-keys", {"name": "spare"}), 201)
    world.owns("A", revoked["key_id"], spare["key_id"])
    world.ids["spare_key_id"] = spare["key_id"]
    # ...and one key of each other role (A's key in use is its owner's)
    role_keys = {
        role: _ok(admin.post(f"/v1/admin/partners/{a.id}/api-keys", {"name": role, "role": role}), 201)
        for role in KEY_CALLERS.values()
    }
    world.owns("A", *(key["key_id"] for key in role_keys.values()))

    # A's people: its first owner (by the admin), one to re-role, one to remove; B's person, whose e-mail
    # nobody may invite again; A's own key to revoke
    first_owner = {"email": "alpha-owner@alpha-matrix.example", "role": "owner", **PASSWORD}
    owner = _ok(admin.post(f"/v1/admin/partners/{a.id}/users", first_owner), 201)
    invited = [
        {"email": f"alpha-{n}@alpha-matrix.example", "role": "purchaser", **PASSWORD}
        for n in ("person", "leaver")
    ]
    people = [_ok(a.api.post("/v1/users", body), 201) for body in invited]
    _ok(b.api.post("/v1/users", {"email": B_PERSON, "role": "billing", **PASSWORD}), 201)
    self_key = _ok(a.api.post("/v1/api-keys", {"name": "self-service", "role": "read_only"}), 201)
    world.ids.update(a_user=people[0]["id"], a_leaver=people[1]["id"], self_key=self_key["key_id"])
    world.owns("A", self_key["key_id"], *(p[field] for p in (owner, *people) for field in ("id", "email")))
    signed_in = {}
    for caller, role in PERSON_CALLERS.items():
        email = f"alpha-{caller.replace('_', '-')}@alpha-matrix.example"
        invited = _ok(a.api.post("/v1/users", {"email": email, "role": role, **PASSWORD}), 201)
        world.owns("A", invited["id"], email)
        tokens_of = sign_in(pool, email, PASSWORD["temporary_password"])
        signed_in[caller] = tokens_of["id" if caller in ID_TOKEN_CALLERS else "access"]

    # A's annual licenses: one active, the rest unused coupons; an order awaiting payment
    paid = _ok(a.order(licenses=4, customer_ref=A_CUSTOMER), 201)
    _ok(webhook.pay(paid, timestamp=int(NOW.timestamp())))
    active, coupon, to_assign, spare_coupon = _ok(a.api.get(f"/v1/orders/{paid['id']}"))["license_keys"]
    _ok(a.api.post(f"/v1/licenses/{active}/assign", {"workspace_id": "ws-alpha-active"}))
    pending = _ok(a.order(devices=10), 201)
    world.ids.update(order=paid["id"], active=active, coupon=coupon, to_assign=to_assign)
    world.ids.update(pending=pending["id"], pending_amount=str(pending["total"]["amount"]))
    world.owns("A", paid["id"], pending["id"], active, coupon, to_assign, spare_coupon)

    # A's monthly licenses, in use since NOW: one to suspend, one suspended, one to cancel
    monthly = _ok(a.monthly_order(licenses=3), 201)
    to_suspend, suspended, to_cancel = monthly["license_keys"]
    for n, key in enumerate(monthly["license_keys"]):
        _ok(a.api.post(f"/v1/licenses/{key}/assign", {"workspace_id": f"ws-alpha-monthly-{n}"}))
    _ok(a.api.post(f"/v1/licenses/{suspended}/suspend"))
    world.ids.update(to_suspend=to_suspend, suspended=suspended, to_cancel=to_cancel)
    world.owns("A", monthly["id"], *monthly["license_keys"])

    # A's offers (to list, to withdraw, to buy) and discount requests (to list, to approve, to reject)
    offers = [create_offer(admin, a)["id"] for _ in range(3)]
    requests = [ask_discount(a)["id"] for _ in range(3)]
    world.ids.update(offer=offers[0], to_withdraw=offers[1], to_buy=offers[2])
    world.ids.update(request=requests[0], to_approve=requests[1], to_reject=requests[2])
    world.owns("A", *offers, *requests)

    # C's order, placed by its distributor D
    on_behalf = _ok(d.order_for(c.id, customer_ref=C_CUSTOMER), 201)
    world.ids.update(c_order=on_behalf["id"])
    world.owns("C", on_behalf["id"])

    signature = world.payment(pending["id"], pending["total"]["amount"])[1]["Payment-Signature"]
    bearer = {
        "malformed": "not-a-key",
        "unknown_key": f"plk_01KAAAAAAAAAAAAAAAAAAAAAAA.{'A' * 32}",
        "forged_secret": f"{a.key_id}.{'A' * 32}",
        "revoked": revoked["api_key"],
        "owner": a.api_key,
        "other_partner": b.api_key,
        "admin": ADMIN_KEY,
        "distributor": d.api_key,
        "other_distributor": e.api_key,
        **{caller: role_keys[role]["api_key"] for caller, role in KEY_CALLERS.items()},
        **{caller: signed_in[caller] for caller in PERSON_CALLERS},
    }
    world.callers = {
        "anonymous": {},
        "provider": {"Payment-Signature": signature},
        **{name: {"Authorization": f"Bearer {token}"} for name, token in bearer.items()},
    }
    return world


def table_items() -> list[dict[str, Any]]:
    """Every item of the table as moto holds it (also those no model of the application reads), read
    from moto's backend: a Scan through boto3 would spend most of the matrix's time serializing."""
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][ENVIRONMENT["AWS_DEFAULT_REGION"]].get_table(TABLE)
    return sorted((item.to_json() for item in table.all_items()), key=lambda i: json.dumps(i, sort_keys=True))


def unknown_like(identifier: str) -> str:
    """An identifier of the same kind nobody owns: `ord_...` keeps its prefix, a license key is new."""
    prefix, _, rest = identifier.rpartition("_")
    if not prefix:
        return generate_key()
    return f"{prefix}_{'Z' * len(rest)}"
