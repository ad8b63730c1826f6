"""The dev server as the developer runs it: `python -m devtools.devserver` in a subprocess, against its own
embedded database (a moto server unless `dynamodb` names another engine), driven over real HTTP with
the keys its banner prints.

Test modules import the fixtures (`devserver`, `base_url`, `partner_key`): each module then has a dev
server of its own, started once for the module. `running_devserver` starts one with a given admin key.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from devtools import banner
from tests.support.paths import REPO_ROOT

START_TIMEOUT = 30
ADMIN_KEY = "admin-devserver-test-key"


@dataclass
class Running:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def banner_value(self, pattern: str) -> str:
        found = banner.value(self.output, pattern)
        assert found is not None, f"{pattern!r} not in the banner:\n{self.output}"
        return found

    @property
    def base_url(self) -> str:
        return self.banner_value(banner.URL)

    @property
    def partner_key(self) -> str:
        """The demo partner's API key."""
        return self.banner_value(banner.PARTNER_KEY)


@dataclass
class Reply:
    status: int
    headers: Message
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


def _drain(running: Running) -> None:
    """Keep reading stdout, so the server never blocks on a full pipe; flag the end of the banner."""
    assert running.process.stdout is not None
    for line in running.process.stdout:
        running.lines.append(line)
        if banner.READY in line:
            running.ready.set()
    running.ready.set()


def devserver_environment(*, admin_key: str, outbox: Path, dynamodb: str) -> dict[str, str]:
    """The test run's environment for a dev server: no endpoint of ours, DEV_DYNAMODB=`dynamodb`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"AWS_ENDPOINT_URL_DYNAMODB", "DYNAMODB_ENDPOINT_URL", "EVENT_BUS_NAME", "PYTHONPATH"}
    }
    env.pop("PAYMENT_WEBHOOK_SECRET", None)  # the dev server makes one up and prints it
    env.update(PORT="0", PYTHONUNBUFFERED="1", LICENSING_ADMIN_KEY=admin_key, POWERTOOLS_LOG_LEVEL="WARNING")
    env.update(DEV_DYNAMODB=dynamodb, NOTIFIER_OUTBOX_DIR=str(outbox))
    return env


@contextmanager
def running_devserver(*, admin_key: str, outbox: Path, dynamodb: str = "moto") -> Iterator[Running]:
    """Start a dev server on a free port (PORT=0) with DEV_DYNAMODB=`dynamodb`, wait for its banner,
    stop it with Ctrl-C afterwards."""
    env = devserver_environment(admin_key=admin_key, outbox=outbox, dynamodb=dynamodb)
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.devserver"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Running(process)
    reader = threading.Thread(target=_drain, args=(running,), daemon=True)
    reader.start()
    try:
        assert running.ready.wait(START_TIMEOUT), f"no banner within {START_TIMEOUT} s:\n{running.output}"
        assert process.poll() is None, f"the dev server exited:\n{running.output}"
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # what Ctrl-C sends
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        reader.join(timeout=5)


@pytest.fixture(scope="module")
def devserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with running_devserver(admin_key=ADMIN_KEY, outbox=tmp_path_factory.mktemp("dev-outbox")) as running:
        yield running


@pytest.fixture(scope="module")
def base_url(devserver: Running) -> str:
    return devserver.base_url


@pytest.fixture(scope="module")
def partner_key(devserver: Running) -> str:
    return devserver.partner_key


def call(
    base_url: str, method: str, path: str, body: Any = None, *, key: str | None = None, **headers: str
) -> Reply:
    data = None if body is None else json.dumps(body).encode()
    all_headers = {k.replace("_", "-"): v for k, v in headers.items()}
    if data is not None:
        all_headers["Content-Type"] = "application/json"
    if key:
        all_headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(base_url + path, data=data, method=method, headers=all_headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - a local http URL
            return Reply(response.status, response.headers, response.read().decode())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read().decode())


def assert_problem(reply: Reply, status: int, code: str) -> None:
    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert reply.json()["code"] == code
