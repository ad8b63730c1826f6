"""The last-owner rule under concurrency, on the moto server and DynamoDB Local (the user pool on the moto
server): the only two active owners demoted, suspended or removed at once, many times over; each time
exactly one change wins, the other is 409 LAST_OWNER, and exactly one active owner is left."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest

from devtools import user_pool as user_pools
from devtools.gateway import HttpResponse
from licensing.people import repository as people_repo
from licensing.store.table import UserItem
from tests.support.clients import Api, Partner
from tests.support.environment import ADMIN_KEY

ENDPOINT = "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"
PASSWORD = "Race-Passw0rd!x"
ROUNDS = 5


@pytest.fixture
def server_user_pool(moto_server: str) -> Iterator[user_pools.UserPool]:
    """The template's user pool on the shared moto server; the functions reach it through the endpoint."""
    previous_endpoint = os.environ.get(ENDPOINT)
    os.environ[ENDPOINT] = moto_server
    pool = user_pools.create_user_pool(boto3.client("cognito-idp", endpoint_url=moto_server))
    previous = user_pools.apply(pool)
    try:
        yield pool
    finally:
        user_pools.restore(previous)
        if previous_endpoint is None:
            os.environ.pop(ENDPOINT, None)
        else:
            os.environ[ENDPOINT] = previous_endpoint


def at_once(calls: list[Any]) -> list[HttpResponse]:
    """Run the calls in threads released together."""
    barrier = threading.Barrier(len(calls))

    def run(call: Any) -> HttpResponse:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def act(partner: Partner, user_id: str, change: dict[str, str] | None) -> Any:
    path = f"/v1/users/{user_id}"
    return lambda: partner.api.delete(path) if change is None else partner.api.patch(path, change)


def active_owners(partner_id: str) -> list[UserItem]:
    people = UserItem.partner_index.query(people_repo.partition(partner_id))
    return [p for p in people if p.role == "owner" and p.status == "active"]


@pytest.mark.server
@pytest.mark.parametrize(
    "change",
    [{"role": "purchaser"}, {"status": "suspended"}, None],
    ids=["demote", "suspend", "remove"],
)
def test_two_owners_changed_at_once_leave_one(
    server_api: Api, server_user_pool: user_pools.UserPool, change: dict[str, str] | None
) -> None:
    for round in range(ROUNDS):
        partner = Partner.create(server_api.with_key(ADMIN_KEY))
        owners = []
        for n in range(2):
            body = {
                "email": f"owner{n}-{round}@race.example",
                "role": "owner",
                "temporary_password": PASSWORD,
            }
            answer = partner.api.post("/v1/users", body)
            assert answer.status == 201, answer.body
            owners.append(answer.json()["id"])
        assert people_repo.owner_count(partner.id) == 2

        answers = at_once([act(partner, user_id, change) for user_id in owners])
        statuses = sorted(a.status for a in answers)
        assert statuses == [200 if change else 204, 409], [a.body for a in answers]
        assert [a.json()["code"] for a in answers if a.status == 409] == ["LAST_OWNER"]
        assert len(active_owners(partner.id)) == 1
        assert people_repo.owner_count(partner.id) == 1
