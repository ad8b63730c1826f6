"""Markdown output: tables, numbers, and the machine the figures come from."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

PACKAGES = ("boto3", "botocore", "pynamodb", "aws-lambda-powertools", "pydantic", "moto")


def markdown_table(headers: list[str], rows: list[list[str]], *, right: list[int] | None = None) -> str:
    """A GitHub-flavoured Markdown table; the columns numbered in `right` are right-aligned."""
    aligned = set(right or [])
    rule = ["---:" if index in aligned else "---" for index in range(len(headers))]
    lines = [headers, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def number(value: float) -> str:
    """`2`, `0.5`, `12.5`: no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _cpu() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or platform.machine()


def machine() -> str:
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in PACKAGES)
    return (
        f"{_cpu()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()} ({platform.machine()}); "
        f"{platform.python_implementation()} {platform.python_version()}; {versions}"
    )
