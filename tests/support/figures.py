"""Figures a test measures for the README (events delivered after killed relays, faults survived...):
each travels as a user property of its test's report, so the run prints them at the end, under xdist
too (`tests.support.fuzz_report.pytest_terminal_summary`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

FIGURES_PROPERTY = "figures"


def record_figures(record_property: Callable[[str, Any], None], name: str, **figures: Any) -> None:
    """Record `figures` under `name` for the end-of-run summary (pass pytest's `record_property`)."""
    record_property(FIGURES_PROPERTY, json.dumps({"name": name, **figures}))


def one_line(value: str) -> str:
    figures = json.loads(value)
    name = figures.pop("name")
    return f"{name}: " + ", ".join(f"{key} {value}" for key, value in figures.items())
