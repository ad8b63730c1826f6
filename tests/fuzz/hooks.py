"""Schemathesis hooks for the contract fuzzing (tests/fuzz/schemathesis.toml loads them).

Three requests fit their schema and are still rightly refused, because no schema can say what makes
them valid: a pagination cursor (opaque: only the server makes good ones), a license key whose check
symbol does not match (a Luhn mod 32 checksum), and a license list whose `status` names none of its
`view`'s statuses (two query parameters that contradict each other; JSON Schema describes each alone).
positive_data_acceptance does not hold those refusals against the API; every other failure, of every
check, stands.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData


def _refused_token(response: Any) -> bool:
    """Whether a 400 says the request's cursor, or its license key's check symbol, is wrong."""
    if response.status_code != 400:
        return False
    try:
        problem = json.loads(response.content)
    except ValueError:
        return False
    if not isinstance(problem, dict):
        return False
    code, detail = problem.get("code"), str(problem.get("detail", ""))
    # The check symbol's own message: a key of the wrong form is a different refusal, and stays a failure.
    return (
        code == "INVALID_CURSOR"
        or (code == "INVALID_LICENSE_KEY" and "check symbol" in detail)
        or (code == "VALIDATION_ERROR" and detail.startswith("status: none of these statuses is in the"))
    )


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    return not (isinstance(failure, RejectedPositiveData) and _refused_token(response))
