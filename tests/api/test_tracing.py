"""X-Ray tracing without the SDK (licensing.infra.tracing): the real handlers, traced as Lambda would run
them with active tracing, send their subsegments to a fake X-Ray daemon (a UDP socket on 127.0.0.1)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from devtools.gateway import LambdaContext, LocalGateway
from licensing.infra import tracing
from licensing.store.table import reset_connections
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.environment import TABLE
from tests.support.invoke import invoke

ROOT, PARENT = "1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8"
SAMPLED = f"Root={ROOT};Parent={PARENT};Sampled=1;Lineage=a87bd80c:0"


class Daemon:
    """A fake X-Ray daemon: the documents it was sent, each checked for the daemon's header line."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.socket.getsockname()[1]}"

    def documents(self) -> list[dict[str, Any]]:
        received = []
        self.socket.settimeout(0.3)
        try:
            while True:
                header, _, body = self.socket.recv(65535).partition(b"\n")
                assert json.loads(header) == {"format": "json", "version": 1}
                received.append(json.loads(body))
        except TimeoutError:
            return received


@pytest.fixture
def daemon(monkeypatch: pytest.MonkeyPatch) -> Iterator[Daemon]:
    listening = Daemon()
    monkeypatch.setenv("AWS_XRAY_DAEMON_ADDRESS", listening.address)
    monkeypatch.setenv("_X_AMZN_TRACE_ID", SAMPLED)
    tracing.install()
    reset_connections()  # botocore sessions made from now on report their calls
    yield listening
    listening.socket.close()


@pytest.fixture
def active_key(partner: Partner, webhook: WebhookSender) -> str:
    order = partner.order().json()
    webhook.pay(order)
    (key,) = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    assert (
        partner.api.with_key(None).post("/v1/lookup", {"license_key": key, "workspace_id": "ws"}).status
        == 200
    )
    return key


def test_a_lookup_sends_its_handler_subsegment_and_one_for_its_get_item(
    gateway: LocalGateway, active_key: str, daemon: Daemon
) -> None:
    status, answer = invoke(
        gateway, None, "POST", "/v1/lookup", {"license_key": active_key, "workspace_id": "ws"}
    )
    assert (status, answer["code"]) == (200, "VALID")

    documents = daemon.documents()
    (handler,) = [d for d in documents if d["name"] == "## lambda_handler"]
    (call,) = [d for d in documents if d.get("namespace") == "aws"]
    assert (handler["trace_id"], handler["parent_id"], handler["type"]) == (ROOT, PARENT, "subsegment")
    assert handler["annotations"]["Service"] == "partner-licensing"
    assert isinstance(handler["annotations"]["ColdStart"], bool)
    assert (call["trace_id"], call["parent_id"], call["name"]) == (ROOT, handler["id"], "dynamodb")
    assert call["aws"]["operation"] == "GetItem"
    assert call["aws"]["table_name"] == TABLE
    assert call["http"] == {"response": {"status": 200}}
    assert handler["start_time"] <= call["start_time"] <= call["end_time"] <= handler["end_time"]
    assert not {"error", "fault"} & (set(handler) | set(call))
    assert active_key not in json.dumps(documents)  # no parameter or body ever reaches a trace


def test_a_refused_transaction_is_an_error_with_its_code_and_nothing_of_the_request(
    gateway: LocalGateway, partner: Partner, daemon: Daemon
) -> None:
    order = {"product": "home", "devices": 1, "years": 1, "customer_ref": "ACME-SECRET-REF"}
    first = invoke(gateway, partner, "POST", "/v1/orders", order, **{"Idempotency-Key": "trace-1"})
    daemon.documents()
    again = invoke(gateway, partner, "POST", "/v1/orders", order, **{"Idempotency-Key": "trace-1"})

    assert first == again  # the replay answers as the first time did
    calls = [d for d in daemon.documents() if d.get("namespace") == "aws"]
    assert [c["aws"]["operation"] for c in calls] == ["GetItem", "TransactWriteItems", "GetItem"]
    refused = calls[1]
    assert (refused["error"], refused["http"]["response"]["status"]) == (True, 400)
    assert refused["cause"]["exceptions"][0]["type"] == "TransactionCanceledException"
    assert "ACME-SECRET-REF" not in json.dumps(calls)


def test_a_handler_that_raises_is_a_fault_named_by_its_type_only(
    api: Api, gateway: LocalGateway, daemon: Daemon
) -> None:
    authorizer = gateway.handler("functions.authorizer.app")
    arn = "arn:aws:execute-api:eu-west-1:123456789012:api/prod/GET/v1/catalog"
    event = {
        "type": "REQUEST",
        "methodArn": arn,
        "path": "/v1/catalog",
        "httpMethod": "GET",
        "requestContext": {},
    }
    with pytest.raises(Exception, match="Unauthorized"):
        authorizer(
            {**event, "headers": {"Authorization": "Bearer plk_x.not-a-key"}}, LambdaContext("authorizer")
        )

    (handler,) = [d for d in daemon.documents() if d["name"] == "## lambda_handler"]
    assert handler["fault"] is True
    assert handler["cause"]["exceptions"][0]["type"] == "Exception"
    assert "message" not in handler["cause"]["exceptions"][0]


@pytest.mark.parametrize(
    "header",
    ["", f"Root={ROOT};Parent={PARENT};Sampled=0", "Root=nonsense;Sampled=1", f"Root={ROOT};Sampled=1"],
)
def test_an_unsampled_or_malformed_invocation_sends_nothing(
    gateway: LocalGateway, daemon: Daemon, monkeypatch: pytest.MonkeyPatch, header: str
) -> None:
    monkeypatch.setenv("_X_AMZN_TRACE_ID", header)
    status, _ = invoke(gateway, None, "POST", "/v1/lookup", {"license_key": "x", "workspace_id": "ws"})
    assert status == 400
    assert daemon.documents() == []
