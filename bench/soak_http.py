"""The soak's side of the wire: the dev server started as `make dev` starts it (a subprocess on a free
loopback port), and an HTTP client that times every operation and retries like a real client."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.environment import REPO_ROOT
from devtools import banner

START_TIMEOUT = 120  # DynamoDB Local's JVM may take a while on a loaded machine
ATTEMPTS = 5  # a 503 or a broken connection is retried with the same Idempotency-Key
TIMEOUT = 30
REGION = "eu-west-1"
CREDENTIALS = ("dev", "dev")  # what the dev server uses when none are set; the soak reads its table with them
_DROPPED_ENV = ("AWS_ENDPOINT_URL_DYNAMODB", "DYNAMODB_ENDPOINT_URL", "EVENT_BUS_NAME", "PYTHONPATH")


@dataclass
class DevServer:
    """A running dev server: its URL, DynamoDB endpoint, table and admin key, read from its banner."""

    process: subprocess.Popen[str]
    admin_key: str
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)

    def value(self, pattern: str) -> str:
        found = banner.value("".join(self.lines[:200]), pattern)
        if found is None:
            raise RuntimeError(f"{pattern!r} not in the dev server's banner:\n{self.output_tail()}")
        return found

    @property
    def url(self) -> str:
        return self.value(banner.URL)

    @property
    def dynamodb_endpoint(self) -> str:
        return self.value(banner.DYNAMODB_ENDPOINT)

    @property
    def table_name(self) -> str:
        return self.value(banner.TABLE)

    @property
    def engine(self) -> str:
        return self.value(banner.ENGINE)

    def output_tail(self, lines: int = 40) -> str:
        return "".join([*self.lines[:60], "...\n", *self.lines[-lines:]])


def _read_output(server: DevServer) -> None:
    """Keep reading the server's output (one line per request), so it never blocks on a full pipe."""
    for line in server.process.stdout or ():
        if len(server.lines) < 5000 or "Traceback" in line:
            server.lines.append(line)
        if banner.READY in line:
            server.ready.set()
    server.ready.set()


@contextmanager
def devserver(outbox: Path, dynamodb_endpoint: str | None = None) -> Iterator[DevServer]:
    """`python -m devtools.devserver` on PORT=0 with DEV_DYNAMODB=local (or on `dynamodb_endpoint`, as
    AWS_ENDPOINT_URL_DYNAMODB); stopped with Ctrl-C's SIGINT."""
    env = {name: value for name, value in os.environ.items() if name not in _DROPPED_ENV}
    if dynamodb_endpoint:
        env["AWS_ENDPOINT_URL_DYNAMODB"] = dynamodb_endpoint
    env.pop("PAYMENT_WEBHOOK_SECRET", None)
    admin_key = "adm_soak_" + secrets.token_urlsafe(18)
    env.update(
        PORT="0",
        DEV_DYNAMODB="local",
        PYTHONUNBUFFERED="1",
        LICENSING_ADMIN_KEY=admin_key,
        POWERTOOLS_LOG_LEVEL="WARNING",
        NOTIFIER_OUTBOX_DIR=str(outbox),
        AWS_DEFAULT_REGION=REGION,
        AWS_ACCESS_KEY_ID=CREDENTIALS[0],  # DynamoDB Local keeps a database per access key and region
        AWS_SECRET_ACCESS_KEY=CREDENTIALS[1],
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.devserver"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = DevServer(process, admin_key)
    reader = threading.Thread(target=_read_output, args=(server,), daemon=True)
    reader.start()
    try:
        if not server.ready.wait(START_TIMEOUT) or process.poll() is not None:
            raise RuntimeError(f"the dev server did not start:\n{server.output_tail()}")
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        reader.join(timeout=5)


@dataclass
class Answer:
    status: int
    body: Any
    code: str | None  # a problem's `code`

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Sample:
    kind: str
    status: int
    code: str | None
    seconds: float
    attempts: int


class Client:
    """One keep-alive connection (one per worker thread). Every call is timed as one operation of
    `kind`, retries included; every 5xx answered, retried or not, is counted."""

    def __init__(self, base_url: str) -> None:
        host, _, port = base_url.removeprefix("http://").partition(":")
        self.host, self.port = host, int(port)
        self.connection: http.client.HTTPConnection | None = None
        self.samples: list[Sample] = []
        self.server_errors: list[tuple[str, int, str | None]] = []

    def _connect(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        return self.connection

    def _send(self, method: str, path: str, payload: bytes | None, headers: dict[str, str]) -> Answer:
        connection = self._connect()
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        body = json.loads(raw) if raw and "json" in (response.getheader("Content-Type") or "") else None
        code = body.get("code") if isinstance(body, dict) and response.status >= 400 else None
        return Answer(response.status, body, code)

    def call(
        self,
        kind: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = None,
        idempotency_key: str | None = None,
    ) -> Answer:
        headers = {"Connection": "keep-alive"}
        payload = None if body is None else json.dumps(body).encode()
        if payload is not None:
            headers["Content-Type"] = "application/json"
        if key:
            headers["Authorization"] = f"Bearer {key}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        started = time.perf_counter()
        answer = Answer(0, None, "CONNECTION_ERROR")
        for attempt in range(1, ATTEMPTS + 1):
            try:
                answer = self._send(method, path, payload, headers)
            except (OSError, http.client.HTTPException):
                self.close()
                answer = Answer(0, None, "CONNECTION_ERROR")
            if answer.status >= 500:
                self.server_errors.append((kind, answer.status, answer.code))
            if answer.status not in (0, 503):
                break
            time.sleep(min(0.05 * 2**attempt, 1.0))
        self.samples.append(Sample(kind, answer.status, answer.code, time.perf_counter() - started, attempt))
        return answer

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
