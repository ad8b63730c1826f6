"""Cold import time of each function module against `import boto3` alone.

Each figure is the median of fresh interpreters (the same one as the benchmark), run one after the
other, each timing the import alone with `time.perf_counter` (interpreter start-up excluded). Every
module is imported once first so that its bytecode is cached, as it is in a deployed layer. Each round
imports boto3 and then every module, and the ratio is the median of the per-round ratios: pairing a
module with the boto3 import of its own round cancels the drift of a shared machine's load.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from dataclasses import dataclass

from bench.environment import REPO_ROOT, child_env
from bench.report import markdown_table, number

BASELINE = "boto3"
FUNCTIONS = tuple(sorted(path.parent.name for path in (REPO_ROOT / "functions").glob("*/app.py")))
TARGET_MODULE = "functions.license_lookup.app"
TARGET_RATIO = 1.5
RUNS = 21
CHILD = (
    "import importlib, sys, time\n"
    "start = time.process_time()\n"
    "importlib.import_module(sys.argv[1])\n"
    "print(time.process_time() - start)\n"
)


@dataclass(frozen=True, slots=True)
class ImportTime:
    module: str
    median_ms: float
    ratio: float  # median over rounds of (this module / boto3 in the same round)


def _import_seconds(module: str, env: dict[str, str]) -> float:
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", CHILD, module],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"importing {module} failed:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1])


def measure(runs: int = RUNS) -> list[ImportTime]:
    """The baseline first, then every function module; rounds go through all modules in turn."""
    modules = [BASELINE, *(f"functions.{name}.app" for name in FUNCTIONS)]
    env = child_env()
    for module in modules:
        _import_seconds(module, env)  # warm-up: write the .pyc files
    times: dict[str, list[float]] = {module: [] for module in modules}
    for _ in range(runs):
        for module in modules:
            times[module].append(_import_seconds(module, env))
    return [
        ImportTime(
            module,
            statistics.median(times[module]) * 1000,
            statistics.median(t / b for t, b in zip(times[module], times[BASELINE], strict=True)),
        )
        for module in modules
    ]


def table(results: list[ImportTime]) -> str:
    rows = []
    for result in results:
        ratio = result.ratio
        target = ""
        if result.module == TARGET_MODULE:
            verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
            target = f"<= {number(TARGET_RATIO)}x: {verdict}"
        name = "`import boto3` alone" if result.module == BASELINE else f"`{result.module}`"
        rows.append([name, f"{result.median_ms:.0f}", f"{ratio:.2f}x", target])
    return markdown_table(["module", "median ms", "vs boto3", "target"], rows, right=[1, 2])
