"""Cold import time of each function module against `import boto3` alone.

The bytecode of the layer and the functions is compiled first, as `make build` ships it (Lambda's code
directories are read-only, so an uncompiled module would be compiled again at every cold start; here
the bytecode is checked against the source's time stamp, so an edited module is never run stale). Then:

- **CPU time**: each figure comes from fresh interpreters, each timing the import alone with
  `time.process_time` (interpreter start-up excluded; CPU time, so a shared machine's other load does
  not count). Every round imports boto3 and every module in a shuffled order, and a module's ratio is
  the median of its per-round ratios to boto3: pairing cancels the drift of a shared machine.
- **Instructions**: where valgrind is installed, one run of each import under callgrind counts the
  instructions it executes (less those of an interpreter that imports nothing). Instruction counts do not
  vary from run to run, so their ratio shows a change that timing noise would hide.
"""

from __future__ import annotations

import compileall
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.environment import REPO_ROOT, SHARED_LAYER, child_env
from bench.report import markdown_table, number

BASELINE = "boto3"
FUNCTIONS = tuple(sorted(path.parent.name for path in (REPO_ROOT / "functions").glob("*/app.py")))
LOOKUP = "functions.license_lookup.app"
TARGETS = {LOOKUP: 1.3}  # every other function: DEFAULT_TARGET
DEFAULT_TARGET = 2.0
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
    instructions: float | None  # callgrind: this import's instructions / boto3's; None without valgrind

    @property
    def target(self) -> float | None:
        return None if self.module == BASELINE else TARGETS.get(self.module, DEFAULT_TARGET)


def compile_bytecode() -> None:
    """Compile the layer and the functions as `make build` does for the deployed code."""
    for folder in (SHARED_LAYER / "licensing", REPO_ROOT / "functions"):
        compileall.compile_dir(folder, quiet=1)


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


def _instructions(code: str, env: dict[str, str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(  # noqa: S603 - valgrind on our own interpreter
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={Path(folder) / 'out'}",  # noqa: S607
             sys.executable, "-c", code],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind counted nothing:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def measure(runs: int = RUNS) -> list[ImportTime]:
    """The baseline and every function module, in `runs` rounds of fresh interpreters."""
    compile_bytecode()
    modules = [BASELINE, *(f"functions.{name}.app" for name in FUNCTIONS)]
    env = child_env()
    for module in modules:
        _import_seconds(module, env)  # warm-up: the files in the page cache
    times: dict[str, list[float]] = {module: [] for module in modules}
    order = random.Random(2026)  # noqa: S311 - a shuffle, not security
    for _ in range(runs):
        for module in order.sample(modules, len(modules)):
            times[module].append(_import_seconds(module, env))
    instructions = _instruction_ratios(modules, env) if shutil.which("valgrind") else {}
    return [
        ImportTime(
            module,
            statistics.median(times[module]) * 1000,
            statistics.median(t / b for t, b in zip(times[module], times[BASELINE], strict=True)),
            instructions.get(module),
        )
        for module in modules
    ]


def _instruction_ratios(modules: list[str], env: dict[str, str]) -> dict[str, float]:
    start_up = _instructions("pass", env)
    counts = {module: _instructions(f"import {module}", env) - start_up for module in modules}
    return {module: counts[module] / counts[BASELINE] for module in modules}


def table(results: list[ImportTime], before: dict[str, float] | None = None) -> str:
    """The figures; `before` adds the CPU-time ratios measured on an earlier version for comparison."""
    rows = []
    for result in results:
        name = "`import boto3` alone" if result.module == BASELINE else f"`{result.module}`"
        row = [name, f"{result.median_ms:.0f}", f"{result.ratio:.2f}x"]
        row.append("-" if result.instructions is None else f"{result.instructions:.2f}x")
        if before is not None:
            row.insert(1, f"{before[result.module]:.2f}x" if result.module in before else "")
        verdict = ""
        if result.target is not None:
            measured = max(result.ratio, result.instructions or 0)
            verdict = f"<= {number(result.target)}x: {'PASS' if measured <= result.target else 'FAIL'}"
        rows.append([*row, verdict])
    headers = ["module", "median CPU ms", "CPU vs boto3", "instructions vs boto3", "target"]
    if before is not None:
        headers.insert(1, "before: CPU vs boto3")
    return markdown_table(headers, rows, right=list(range(1, len(headers) - 1)))
