"""What a schemathesis run found, from its own reports: the JSON run report (cases generated, operations
tested, exit code) and the NDJSON event log (every case with its checks and the status it got)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import figures

SUMMARY_PROPERTY = "fuzz_summary"
ENGINE_PROPERTY = "engine"  # the DynamoDB engine of a test that runs on both (tests/conftest.py)
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def spec_operations(spec: Path) -> set[str]:
    """Every operation in the OpenAPI document, labelled as schemathesis labels them: `GET /v1/orders`."""
    paths = json.loads(spec.read_text())["paths"]
    return {
        f"{method.upper()} {path}" for path, item in paths.items() for method in item if method in _METHODS
    }


def _recorded_cases(ndjson: Path) -> Iterator[tuple[str, int | None, list[dict[str, Any]]]]:
    """(operation label, response status or None, checks) for every case of every scenario."""
    with ndjson.open() as events:
        for line in events:
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if finished is None or finished.get("phase") == "auth_bootstrap":
                continue
            recorder = finished["recorder"]
            interactions = recorder.get("interactions", {})
            for case_id, case in recorder.get("cases", {}).items():
                value = case["value"]
                response = (interactions.get(case_id) or {}).get("response")
                status = response["status_code"] if response else None
                yield (
                    f"{value['method'].upper()} {value['path']}",
                    status,
                    recorder.get("checks", {}).get(case_id, []),
                )


def summarise(*, key: str, spec: Path, json_report: Path, ndjson_report: Path) -> dict[str, Any]:
    """The figures for the README, per key: cases generated and passed, operations covered."""
    run = json.loads(json_report.read_text())
    operations = spec_operations(spec)
    outcomes: Counter[str] = Counter()
    failed_checks: Counter[str] = Counter()
    answered_2xx: set[str] = set()
    for label, status, checks in _recorded_cases(ndjson_report):
        if status is not None and 200 <= status < 300 and label in operations:
            answered_2xx.add(label)
        statuses = {check["status"] for check in checks}
        if "error" in statuses or status is None:
            outcomes["errored"] += 1
        elif not checks:
            outcomes["skipped"] += 1
        elif "failure" in statuses:
            outcomes["failed"] += 1
            failed_checks.update({check["name"] for check in checks if check["status"] == "failure"})
        else:
            outcomes["passed"] += 1
    return {
        "key": key,
        "schemathesis": run["schemathesis_version"],
        "seed": run["seed"],
        "exit_code": run["exit_code"],
        "seconds": round(run["running_time"], 1),
        "phases": {name: phase["status"] for name, phase in run["phases"].items()},
        "cases": {
            "generated": run["test_cases"]["generated"],
            **{outcome: outcomes[outcome] for outcome in ("passed", "failed", "skipped", "errored")},
        },
        "unique_failures": run["test_cases"]["unique_failures"],
        # Dropped by tests/fuzz/hooks.py (made-up cursors and license key check symbols), not failures.
        "filtered_failures": run["filtered"],
        "failed_cases_by_check": dict(failed_checks.most_common()),
        "operations": {
            "in_spec": run["operations"]["total"],
            "tested": run["operations"]["tested"],
            "answered_2xx": len(answered_2xx),
            "never_2xx": sorted(operations - answered_2xx),
        },
    }


def one_line(summary: dict[str, Any]) -> str:
    cases, operations = summary["cases"], summary["operations"]
    return (
        f"{summary['key']} key: {cases['generated']} cases generated, {cases['passed']} passed, "
        f"{cases['failed']} failed ({summary['unique_failures']} unique failures); "
        f"{operations['tested']}/{operations['in_spec']} operations tested, "
        f"{operations['answered_2xx']}/{operations['in_spec']} answered 2xx; {summary['seconds']} s"
    )


def _engine_counts(terminalreporter: pytest.TerminalReporter) -> list[str]:
    """The tests that run on both DynamoDB engines, passed and failed, per engine."""
    counts: Counter[tuple[str, str]] = Counter(
        (value, outcome)
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", [])
        if name == ENGINE_PROPERTY
    )
    return [
        f"engine {engine}: {counts[engine, 'passed']} tests passed, {counts[engine, 'failed']} failed"
        for engine in sorted({engine for engine, _ in counts})
    ]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the contract's figures at the end of the run, passed or failed, even under xdist (each
    travels as a user property of its test's report): the fuzzing summary per key, and the number of
    authorization matrix cells (tests/contracts/test_authorization_matrix.py) and what other tests
    recorded with `tests.support.figures` (faults per write path, events after killed relays)."""
    properties = [
        (name, value)
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", [])
    ]
    lines = sorted(one_line(json.loads(value)) for name, value in properties if name == SUMMARY_PROPERTY)
    lines += [
        f"authorization matrix: {value} cells checked"
        for name, value in properties
        if name == "authorization_cells"
    ]
    lines += sorted(figures.one_line(value) for name, value in properties if name == figures.FIGURES_PROPERTY)
    lines += _engine_counts(terminalreporter)
    if lines:
        terminalreporter.write_sep("=", "figures (contract fuzzing, authorization, reliability)")
        for line in lines:
            terminalreporter.write_line(line)
