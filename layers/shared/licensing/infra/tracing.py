"""X-Ray tracing of a handler and its AWS calls, without the X-Ray SDK on the import path.

The SDK costs about as much as `import boto3` at cold start (it builds two botocore clients for
centralised sampling, which Lambda does not use). With `Tracing: Active` the Lambda service records the
function's segment and decides sampling; the runtime passes the decision in `_X_AMZN_TRACE_ID` on every
invocation. `traced(handler)` then sends a `## <handler>` subsegment (annotations `ColdStart` and
`Service`) to the X-Ray daemon over UDP, as the SDK does in Lambda, and every AWS call made meanwhile is
sent as its own `aws` subsegment (operation, table, status, retries, request id): botocore reports the
calls through handlers registered in its `BUILTIN_HANDLERS`, which every new session (PynamoDB's too)
picks up. No parameter or body ever goes into a document, and tracing never fails a request.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import os
import socket
import time
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

EventT = TypeVar("EventT")
ContextT = TypeVar("ContextT")
ResultT = TypeVar("ResultT")

HEADER = b'{"format":"json","version":1}\n'  # precedes each segment document sent to the daemon
MAX_DATAGRAM = 60_000  # the daemon takes documents of at most 64 KB
_CALL = "licensing.tracing.call"  # key of a call's state in botocore's per-call context


def _new_id() -> str:
    return os.urandom(8).hex()


class _Invocation(NamedTuple):
    trace_id: str
    parent_id: str  # the function segment Lambda records
    daemon: tuple[str, int]
    segment_id: str  # the handler subsegment, parent of the AWS calls


_current: contextvars.ContextVar[_Invocation | None] = contextvars.ContextVar("xray", default=None)
_cold_start = True
_socket: socket.socket | None = None


def _invocation() -> _Invocation | None:
    """The sampled invocation to trace, or None (not in Lambda, not sampled, or a malformed header)."""
    fields = dict(
        part.strip().partition("=")[::2] for part in os.environ.get("_X_AMZN_TRACE_ID", "").split(";")
    )
    daemon = _daemon(os.environ.get("AWS_XRAY_DAEMON_ADDRESS", ""))
    root, parent = fields.get("Root", ""), fields.get("Parent", "")
    if fields.get("Sampled") != "1" or daemon is None or len(parent) != 16 or not root.startswith("1-"):
        return None
    return _Invocation(root, parent, daemon, _new_id())


def _daemon(address: str) -> tuple[str, int] | None:
    """`host:port`, or the UDP part of `tcp:host:port udp:host:port`."""
    parts = address.split()
    udp = next((p.removeprefix("udp:") for p in parts if p.startswith("udp:")), parts[0] if parts else "")
    host, _, port = udp.rpartition(":")
    return (host, int(port)) if host and port.isdigit() else None


def _send(document: dict[str, Any], daemon: tuple[str, int]) -> None:
    global _socket
    try:
        datagram = HEADER + json.dumps(document, separators=(",", ":"), default=str).encode()
        if len(datagram) <= MAX_DATAGRAM:
            if _socket is None:
                _socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                _socket.setblocking(False)
            _socket.sendto(datagram, daemon)
    except Exception:  # noqa: S110 - a lost trace is better than a failed request
        pass


def _subsegment(
    name: str, segment_id: str, parent_id: str, invocation: _Invocation, start: float
) -> dict[str, Any]:
    return {
        "name": name,
        "id": segment_id,
        "trace_id": invocation.trace_id,
        "parent_id": parent_id,
        "type": "subsegment",
        "start_time": start,
        "end_time": time.time(),
    }


def traced(handler: Callable[[EventT, ContextT], ResultT]) -> Callable[[EventT, ContextT], ResultT]:
    """Trace each sampled invocation of a Lambda handler; others run it untouched."""
    install()
    name = f"## {handler.__name__}"

    @functools.wraps(handler)
    def wrapper(event: EventT, context: ContextT) -> ResultT:
        global _cold_start
        cold_start, _cold_start = _cold_start, False
        invocation = _invocation()
        if invocation is None:
            return handler(event, context)
        start, token = time.time(), _current.set(invocation)
        fault: BaseException | None = None
        try:
            return handler(event, context)
        except BaseException as error:
            fault = error
            raise
        finally:
            _current.reset(token)
            document = _subsegment(name, invocation.segment_id, invocation.parent_id, invocation, start)
            document["annotations"] = {
                "ColdStart": cold_start,
                "Service": os.environ.get("POWERTOOLS_SERVICE_NAME", "service_undefined"),
            }
            if fault is not None:  # the exception's type only: its message may carry request data
                document.update(
                    fault=True, cause={"exceptions": [{"id": _new_id(), "type": type(fault).__name__}]}
                )
            _send(document, invocation.daemon)

    return wrapper


def _call_started(model: Any, params: Any, context: dict[str, Any], **_: Any) -> None:
    """botocore's `before-parameter-build`: note the call's start (and table) inside a traced invocation."""
    if (invocation := _current.get()) is not None:
        table = params.get("TableName") if isinstance(params, dict) else None
        context[_CALL] = (invocation, model.service_model.endpoint_prefix, model.name, table, time.time())


def _call_ended(context: dict[str, Any], http_response: Any = None, parsed: Any = None, **_: Any) -> None:
    """botocore's `after-call` and `after-call-error`: send the call's subsegment."""
    try:
        if (call := context.pop(_CALL, None)) is None:
            return
        invocation, service, operation, table, start = call
        document = _subsegment(service, _new_id(), invocation.segment_id, invocation, start)
        aws: dict[str, Any] = {"operation": operation, "region": context.get("client_region")}
        if table:
            aws["table_name"] = table
        metadata = parsed.get("ResponseMetadata", {}) if isinstance(parsed, dict) else {}
        aws.update(
            {
                k: metadata[m]
                for k, m in (("request_id", "RequestId"), ("retries", "RetryAttempts"))
                if m in metadata
            }
        )
        document.update(namespace="aws", aws=aws)
        status = getattr(http_response, "status_code", None)
        if status is None:  # no answer at all: a network error or a timeout
            document["fault"] = True
        else:
            code = str((parsed or {}).get("Error", {}).get("Code", "")) if status >= 400 else ""
            document["http"] = {"response": {"status": status}}
            if status >= 500:
                document["fault"] = True
            elif status >= 400:
                document["error"] = True
            if status == 429 or "Throttl" in code or code == "ProvisionedThroughputExceededException":
                document["throttle"] = True
            if code:  # the error code only: AWS error messages may echo request values
                document["cause"] = {"exceptions": [{"id": _new_id(), "type": code[:250], "remote": True}]}
        _send(document, invocation.daemon)
    except Exception:  # noqa: S110 - never raise into botocore
        pass


def _call_started_safely(**kwargs: Any) -> None:
    with contextlib.suppress(Exception):  # never raise into botocore
        _call_started(**kwargs)


def install() -> None:
    """Have every botocore session created from now on report its calls (idempotent; cheap: botocore is
    imported by every function anyway)."""
    import botocore.handlers

    for spec in (
        ("before-parameter-build", _call_started_safely),
        ("after-call", _call_ended),
        ("after-call-error", _call_ended),
    ):
        if spec not in botocore.handlers.BUILTIN_HANDLERS:
            botocore.handlers.BUILTIN_HANDLERS.append(spec)
