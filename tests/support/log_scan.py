"""Every log line a test run writes, at DEBUG, and a scanner that finds secrets in them.

Two sinks, as in Lambda: the Powertools logger's own JSON lines (its formatter, its level set to DEBUG)
and the root logger, which Lambda's runtime points at CloudWatch at the function's application log level
(so botocore's, PynamoDB's and Powertools' internal loggers write there too)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from aws_lambda_powertools.logging.filters import SuppressFilter

from licensing.infra.observability import logger

# A license key in its printed form, anywhere in a line: five groups of five Crockford symbols.
FULL_KEY = re.compile(r"(?<![0-9A-Za-z])(?:[0-9A-HJKMNP-TV-Z]{5}-){4}[0-9A-HJKMNP-TV-Z]{5}(?![0-9A-Za-z])")


class _Lines(logging.Handler):
    def __init__(self, lines: list[str], formatter: logging.Formatter) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines
        self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def debug_logs() -> Iterator[list[str]]:
    """Capture every line written at DEBUG and above while inside."""
    lines: list[str] = []
    root = logging.getLogger()
    own = _Lines(lines, logger.registered_formatter)
    runtime = _Lines(lines, logging.Formatter("%(levelname)s %(name)s %(message)s"))
    runtime.addFilter(SuppressFilter(logger.service))  # what Powertools adds to Lambda's root handler
    levels = (logger.log_level, root.level)
    logger.setLevel("DEBUG")
    logger.addHandler(own)
    root.setLevel(logging.DEBUG)
    root.addHandler(runtime)
    try:
        yield lines
    finally:
        logger.removeHandler(own)
        root.removeHandler(runtime)
        logger.setLevel(levels[0])
        root.setLevel(levels[1])


def secrets_in(lines: Iterable[str], secrets: dict[str, Iterable[str]]) -> list[str]:
    """What a log line shows that it must not: any full license key, or any of `secrets` (by kind), as
    sent or as a JSON string escapes it. Each finding names the kind and quotes the line's start."""
    findings: list[str] = []
    for line in lines:
        for key in FULL_KEY.findall(line):
            findings.append(f"license key {key}: {line[:200]}")
        for kind, values in secrets.items():
            for value in values:
                if value and (value in line or value.replace('"', '\\"') in line):
                    findings.append(f"{kind}: {line[:200]}")
    return findings
