"""DynamoDB faults injected at botocore's HTTP layer, beneath its retries, so the code meets them as it
meets real DynamoDB's: botocore retries within the budget of `licensing.store.table`, PynamoDB wraps
what is left, `Transaction.commit()` retries its conflicts.

`Endpoint._do_get_response` sends one attempt of one call (moto answers from its `before-send` hook
inside it). Each DynamoDB attempt is numbered from 0; `Faults.arm(kind, at=n, times=k, operations=...)`
faults attempts n .. n+k-1 (`times=None`: every one from n on), counting only calls of `operations` when
given. Kinds:

- `throttled`, `over_capacity`: 400 ThrottlingException / ProvisionedThroughputExceededException, the
  call not applied;
- `internal`: 500 InternalServerError, not applied;
- `conflict`: 400 TransactionCanceledException with a TransactionConflict reason (TransactWriteItems only);
- `lost_timeout`, `lost_500`, `lost_connection`: the call is applied, then its answer is lost (a read
  timeout, a 500, a closed connection), so botocore sends it again.

DynamoDB answers a TransactWriteItems whose ClientRequestToken it has applied within 10 minutes with
success and writes nothing; moto ignores the token, so this harness answers such a resend itself (the
recorded answer, or IdempotentParameterMismatchException for another request under the same token).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import botocore.endpoint
import botocore.retries.quota
import botocore.retries.standard
import pytest
from botocore.awsrequest import AWSResponse
from botocore.endpoint import convert_to_response_dict
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError

from licensing.store import transactions
from licensing.store.table import reset_connections

REFUSED = {
    "throttled": (400, "ThrottlingException", "Rate of requests exceeds the allowed throughput."),
    "over_capacity": (
        400,
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded.",
    ),
    "internal": (500, "InternalServerError", "Internal server error"),
    "conflict": (
        400,
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]",
    ),
}
LOST = ("lost_timeout", "lost_500", "lost_connection")
KINDS = (*REFUSED, *LOST)
_Got = tuple[tuple[AWSResponse, dict[str, Any]] | None, Exception | None]


@dataclass
class _Plan:
    kind: str
    at: int
    times: int | None
    operations: frozenset[str] | None  # None: every API
    seen: int = 0  # calls of those APIs so far


@dataclass
class Faults:
    """The armed faults and what happened: `calls` every DynamoDB attempt by API name, `injected` the
    faults sent, `applied` the lost answers whose call was applied."""

    plans: list[_Plan] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    injected: Counter[str] = field(default_factory=Counter)
    applied: int = 0
    _tokens: dict[str, tuple[bytes, Any]] = field(default_factory=dict)

    def arm(
        self, kind: str, *, at: int = 0, times: int | None = 1, operations: frozenset[str] | None = None
    ) -> Faults:
        """Fault calls `at` .. `at + times - 1` (0-based, every one from `at` when `times` is None) among
        the calls of `operations` (API names; None: all). A conflict only ever meets TransactWriteItems."""
        assert kind in KINDS, kind
        if kind == "conflict":
            operations = frozenset({"TransactWriteItems"})
        self.plans.append(_Plan(kind, at, times, operations))
        return self

    def disarm(self) -> None:
        self.plans.clear()
        self.calls.clear()

    def _fault_for(self, operation: str) -> str | None:
        chosen = None
        for plan in self.plans:
            if plan.operations is not None and operation not in plan.operations:
                continue
            index, plan.seen = plan.seen, plan.seen + 1
            if chosen is None and index >= plan.at and (plan.times is None or index < plan.at + plan.times):
                chosen = plan.kind
        return chosen

    def send(self, original: Any, endpoint: Any, request: Any, operation_model: Any, context: Any) -> _Got:
        operation = operation_model.name
        if operation_model.service_model.service_name != "dynamodb":
            return original(endpoint, request, operation_model, context)  # type: ignore[no-any-return]
        self.calls.append(operation)
        body = request.body if isinstance(request.body, bytes) else str(request.body or "").encode()
        transaction = operation == "TransactWriteItems"
        token = json.loads(body or b"{}").get("ClientRequestToken") if transaction else None
        kind = self._fault_for(operation)
        if kind in REFUSED:
            self.injected[kind] += 1
            status, code, message = REFUSED[kind]
            return _refusal(endpoint, request, operation_model, status, code, message)
        if token in self._tokens:  # DynamoDB's idempotent transactions, which moto lacks
            sent, got = self._tokens[token]
            if sent != body:
                mismatch = "IdempotentParameterMismatchException"
                return _refusal(
                    endpoint, request, operation_model, 400, mismatch, "another request, same token"
                )
        else:
            got = original(endpoint, request, operation_model, context)
        succeeded = got[1] is None and got[0] is not None and got[0][0].status_code < 300
        if token and succeeded:
            self._tokens[token] = (body, got)
        if kind is None or not succeeded:
            return got  # type: ignore[no-any-return]
        self.injected[kind] += 1
        self.applied += 1
        if kind == "lost_timeout":
            return None, ReadTimeoutError(endpoint_url=request.url)
        if kind == "lost_connection":
            return None, ConnectionClosedError(endpoint_url=request.url)
        return _refusal(endpoint, request, operation_model, *REFUSED["internal"])


def _refusal(endpoint: Any, request: Any, operation_model: Any, status: int, code: str, message: str) -> _Got:
    """A DynamoDB error answer, parsed by botocore's own parser as a real one would be."""
    body: dict[str, Any] = {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message}
    if code == "TransactionCanceledException":
        items = json.loads(request.body)["TransactItems"]
        body["CancellationReasons"] = [{"Code": "TransactionConflict", "Message": "Transaction is ongoing"}]
        body["CancellationReasons"] += [{"Code": "None"}] * (len(items) - 1)
    headers = {"x-amzn-requestid": "injected-fault", "content-type": "application/x-amz-json-1.0"}
    http = AWSResponse(request.url, status, headers, raw=None)
    http._content = json.dumps(body).encode()
    response = convert_to_response_dict(http, operation_model)
    parser = endpoint._response_parser_factory.create_parser(operation_model.service_model.resolved_protocol)
    parsed = parser.parse(response, operation_model.output_shape)
    endpoint._add_modeled_error_fields(response, parsed, operation_model, parser)
    return (http, parsed), None


def install(monkeypatch: pytest.MonkeyPatch) -> Faults:
    """Route every DynamoDB attempt through a fresh `Faults`, with the backoff pauses skipped (the number
    of attempts is under test, not the wait) and botocore's retry quota kept full: a client's 500 tokens
    (5 a retry, 10 after a timeout) would drain over the hundreds of faulted runs one test process makes,
    where a Lambda container meets a few; a drained quota only ends the retries, and so the 503, sooner."""
    faults = Faults()
    original = botocore.endpoint.Endpoint._do_get_response

    def send(endpoint: Any, request: Any, operation_model: Any, context: Any) -> _Got:
        return faults.send(original, endpoint, request, operation_model, context)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_do_get_response", send)
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda *_: 0)
    monkeypatch.setattr(botocore.retries.quota.RetryQuota, "acquire", lambda *_: True)
    monkeypatch.setattr(transactions, "backoff", lambda attempt: None)
    reset_connections()  # clients made now, with the patches in place
    return faults
