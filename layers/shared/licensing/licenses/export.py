"""CSV for spreadsheets: a header row named after the license fields, one license a row."""

from __future__ import annotations

import csv
import io

from licensing.licenses.api import LicenseOut

COLUMNS = list(LicenseOut.model_fields)


def csv_page(licenses: list[LicenseOut]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for license in licenses:
        writer.writerow({name: _cell(value) for name, value in license.model_dump().items()})
    return buffer.getvalue()


def _cell(value: object) -> object:
    """Neutralise spreadsheet formulas in partner-typed text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
