"""One contract fuzzing run: schemathesis runs every phase and every check of tests/fuzz/schemathesis.toml
over the whole docs/openapi.json against a fresh dev server with one key (the demo partner's or the
admin's). The two keys are two test files, so pytest-xdist runs them on two workers at once.

`make fuzz` runs the same with more examples (FUZZ_MAX_EXAMPLES). The figures of each run go to
build/fuzz/summary-<key>.json and to the end of pytest's output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.devserver import running_devserver
from tests.support.fuzz_report import SUMMARY_PROPERTY, one_line, summarise
from tests.support.paths import REPO_ROOT

CONFIG = Path(__file__).with_name("schemathesis.toml")
SPEC = REPO_ROOT / "docs" / "openapi.json"
OUTPUT = REPO_ROOT / "build" / "fuzz"
ADMIN_KEY = "admin-fuzz-test-key"
RUN_TIMEOUT = 1200
REPLAY_HINT = (
    "The dev server of this run is gone: to replay a curl line, start `make dev` and use its URL and keys "
    f"(the admin key here was {ADMIN_KEY!r}; the demo partner's key changes with every start)."
)
REPORT_LINES = 3000  # of schemathesis's failure report in the assertion message; all of it is in the log


def _schemathesis(*, base_url: str, key: str, reports: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run", str(SPEC),
        "--url", base_url,
        "--header", f"Authorization: Bearer {key}",
        "--report-json-path", str(reports / "run.json"),
        "--report-ndjson-path", str(reports / "events.ndjson"),
    ]  # fmt: skip
    if max_examples := os.environ.get("FUZZ_MAX_EXAMPLES"):
        command += ["--max-examples", max_examples]
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        command,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=RUN_TIMEOUT,
    )


def _failure_report(output: str) -> str:
    """Schemathesis's FAILURES section (each failing case with its curl reproduction) and its SUMMARY."""
    start = output.find("= FAILURES =")
    lines = output[output.rfind("\n", 0, start) + 1 :].splitlines() if start >= 0 else output.splitlines()
    if len(lines) <= REPORT_LINES:
        return "\n".join(lines)
    summary = next((i for i in range(len(lines) - 1, -1, -1) if "= SUMMARY =" in lines[i]), len(lines))
    head = lines[: max(REPORT_LINES - (len(lines) - summary), 100)]
    cut = summary - len(head)
    return "\n".join([*head, f"... {cut} more lines of failures in the log ...", *lines[summary:]])


def check_contract(key: str, tmp_path: Path, record_property: pytest.RecordProperty) -> None:
    """Fuzz the whole document with `key` ("partner" or "admin"): no failure, every operation and phase."""
    reports = OUTPUT / key
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir(parents=True)
    with running_devserver(admin_key=ADMIN_KEY, outbox=tmp_path / "outbox") as server:
        secret = server.partner_key if key == "partner" else ADMIN_KEY
        run = _schemathesis(base_url=server.base_url, key=secret, reports=reports)
    (reports / "schemathesis.log").write_text(run.stdout)
    assert (reports / "run.json").exists(), (
        f"schemathesis wrote no report (exit {run.returncode}):\n{run.stdout}"
    )

    summary = summarise(
        key=key, spec=SPEC, json_report=reports / "run.json", ndjson_report=reports / "events.ndjson"
    )
    (OUTPUT / f"summary-{key}.json").write_text(json.dumps(summary, indent=2) + "\n")
    record_property(SUMMARY_PROPERTY, json.dumps(summary))
    print(one_line(summary))

    exit_code = run.returncode  # not `run.returncode` in the assert: pytest would print all of run again
    assert exit_code == 0, (
        f"schemathesis exit code {exit_code} ({one_line(summary)}); "
        f"full log: {reports / 'schemathesis.log'}\n{REPLAY_HINT}\n\n{_failure_report(run.stdout)}"
    )
    # A clean run must also have exercised the whole document, stateful chains included (the examples
    # phase has nothing to run when the document has no examples).
    assert summary["operations"]["tested"] == summary["operations"]["in_spec"], summary
    phases = summary["phases"]
    assert (phases["coverage"], phases["fuzzing"], phases["stateful"]) == ("success",) * 3, phases
    assert phases["examples"] in {"success", "skip"}, phases
