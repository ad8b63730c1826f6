"""Shared fixtures: DynamoDB on moto (in process, or its server for concurrency) or on DynamoDB Local,
the local API Gateway, clients for an admin and a partner, a frozen clock and a DynamoDB call counter.

Two engines: every test that uses `server_api`, and every test marked `engines` that uses `api`, runs
on moto (`[moto]`) and on Amazon's DynamoDB Local (`[local]`), one DynamoDB Local per test worker."""

from __future__ import annotations

import os

from tests.support.environment import ADMIN_KEY, ENVIRONMENT, TABLE, WEBHOOK_SECRET

os.environ.update(ENVIRONMENT)
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("EVENT_BUS_NAME", None)

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.client
import pytest
from hypothesis import HealthCheck, settings
from moto import mock_aws

from devtools import motoserver
from devtools import user_pool as user_pools
from devtools.dynamodb_local import start as start_dynamodb_local
from devtools.gateway import LocalGateway
from devtools.moto_transactions import one_backup_per_transaction
from devtools.table import create_table
from devtools.user_pool import UserPool, create_user_pool
from licensing.access import tokens
from licensing.core import clock
from licensing.infra import bus
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.engines import ENGINES, on_engine
from tests.support.events import DeliveredEvents
from tests.support.fuzz_report import ENGINE_PROPERTY, pytest_terminal_summary  # noqa: F401 - prints the fuzzing figures
from tests.support.people import FakeJwks

# How fast Hypothesis draws inputs depends on what runs beside the test (the xdist worker next to it may
# be fuzzing the API): no property of the code under test, so the too-slow health check is off.
settings.register_profile("licensing", suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("licensing")


@pytest.fixture(scope="session", autouse=True)
def _fast_moto_transactions() -> Iterator[None]:
    """moto copies the whole table once per transaction item; once per transaction behaves the same."""
    with one_backup_per_transaction():
        yield


@pytest.fixture(scope="session")
def gateway() -> LocalGateway:
    return LocalGateway()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Both engines for `server_api` users, and for the `api` users of modules marked `engines`."""
    if "engine" not in metafunc.fixturenames:
        return
    marked = metafunc.definition.get_closest_marker("engines") is not None
    if "server_api" in metafunc.fixturenames or (marked and "api" in metafunc.fixturenames):
        metafunc.parametrize("engine", ENGINES, indirect=True)


# Files of a minute or so (`pytest --durations`), after the contract fuzzing runs.
SLOW_FILES = ("tests/api/test_soak.py", "tests/contracts/test_iam_policies.py", "tests/browser/test_buy.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test on DynamoDB Local starts a server: it joins the server tier (run once, on 3.13). The contract
    fuzzing runs (minutes each), then the other slow files, go first, so pytest-xdist (files in this
    order: the Makefile's --no-loadscope-reorder) starts them at once beside the rest instead of leaving
    them for the end, alone."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("engine") == "local":
            item.add_marker(pytest.mark.server)

    def cost_rank(item: pytest.Item) -> int:
        if item.get_closest_marker("fuzz") is not None:
            return 0
        return 1 if item.nodeid.split("::")[0] in SLOW_FILES else 2

    items.sort(key=cost_rank)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The DynamoDB engine of the test: "moto" unless the test runs on both (then the run's summary counts
    the test under its engine)."""
    if hasattr(request, "param"):
        request.node.user_properties.append((ENGINE_PROPERTY, request.param))
    return str(getattr(request, "param", "moto"))


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[str]:
    """An in-memory DynamoDB Local on 127.0.0.1 for this test worker, started on first use."""
    server = start_dynamodb_local()
    yield server.url
    server.stop()


@pytest.fixture
def aws(engine: str, request: pytest.FixtureRequest) -> Iterator[None]:
    """A fresh in-process moto account with the table from template.yaml; on DynamoDB Local, only the
    table's calls leave moto (its mock passes a custom 127.0.0.1 endpoint through)."""
    with mock_aws():
        if engine == "moto":
            create_table(boto3.client("dynamodb"), TABLE)
            yield
        else:
            with on_engine(request.getfixturevalue("dynamodb_local"), TABLE):
                yield


@pytest.fixture
def user_pool(aws: None) -> Iterator[UserPool]:
    """The template's Cognito user pool and portal client on moto, for the tests of a partner's people;
    the functions find it through USER_POOL_ID and USER_POOL_CLIENT_ID."""
    pool = create_user_pool(boto3.client("cognito-idp"))
    previous = user_pools.apply(pool)
    yield pool
    user_pools.restore(previous)


@pytest.fixture
def jwks(user_pool: UserPool, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeJwks]:
    """The authorizer fetches the pool's JWKS from moto's published keys (tests.support.people)."""
    monkeypatch.delenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", raising=False)
    fake = FakeJwks(user_pool)
    monkeypatch.setattr(tokens, "fetch_jwks", fake)
    tokens.reset()
    yield fake
    tokens.reset()


@pytest.fixture
def recorded_events() -> Iterator[DeliveredEvents]:
    """The events delivered so far: reading them plays the table's stream into the outbox relay."""
    recorder = DeliveredEvents()
    bus.set_publisher(recorder)
    yield recorder
    bus.set_publisher(None)


@pytest.fixture
def api(aws: None, recorded_events: DeliveredEvents, gateway: LocalGateway) -> Api:
    return Api(gateway)


@pytest.fixture
def admin(api: Api) -> Api:
    return api.with_key(ADMIN_KEY)


@pytest.fixture
def partner(admin: Api) -> Partner:
    return Partner.create(admin, currency="EUR", discount_percent="10")


@pytest.fixture
def monthly_partner(admin: Api) -> Partner:
    return Partner.create(admin, currency="EUR", billing="monthly", name="Monthly MSP")


@pytest.fixture
def webhook(api: Api) -> WebhookSender:
    return WebhookSender(api, WEBHOOK_SECRET)


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Move the application's clock: `frozen_now(datetime)` sets it; it starts at 2026-11-27 10:00 UTC."""
    moment = {"now": datetime(2026, 11, 27, 10, 0, tzinfo=UTC)}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])

    def set_now(value: datetime | None = None) -> datetime:
        if value is not None:
            moment["now"] = value
        return moment["now"]

    return set_now


class CallCounter:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.params: list[dict[str, Any]] = []

    def reset(self) -> None:
        self.calls.clear()
        self.params.clear()

    def __len__(self) -> int:
        return len(self.calls)


@pytest.fixture
def ddb_calls(monkeypatch: pytest.MonkeyPatch) -> CallCounter:
    """Every DynamoDB API call made through botocore (boto3 and PynamoDB alike), by operation name."""
    counter = CallCounter()
    original = botocore.client.BaseClient._make_api_call

    def counting(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        if self.meta.service_model.service_name == "dynamodb":
            counter.calls.append(operation_name)
            counter.params.append(api_params)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    return counter


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1, shared by the tests that need one."""
    server = motoserver.start()
    yield server.url
    server.stop()


@pytest.fixture
def server_api(
    engine: str,
    recorded_events: DeliveredEvents,
    gateway: LocalGateway,
    request: pytest.FixtureRequest,
) -> Iterator[Api]:
    """Like `api`, but every DynamoDB call goes over HTTP, to the moto server or to DynamoDB Local."""
    url = request.getfixturevalue("moto_server" if engine == "moto" else "dynamodb_local")
    with on_engine(url, TABLE):
        yield Api(gateway)
