"""The process set-up every benchmark needs before `licensing` is imported: import paths and the same
kind of environment as tests/conftest.py (a local table name, dummy credentials, quiet Powertools)."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_LAYER = REPO_ROOT / "layers" / "shared"
IMPORT_PATHS = (str(REPO_ROOT), str(SHARED_LAYER))

SETTINGS = {
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "TABLE_NAME": "licensing-bench",
    "POWERTOOLS_SERVICE_NAME": "partner-licensing",
    "POWERTOOLS_METRICS_NAMESPACE": "PartnerLicensing",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
    "LICENSING_ADMIN_KEY": "admin-bench-key",
    "PAYMENT_WEBHOOK_SECRET": "whsec_bench",
    "PYDANTIC_DISABLE_PLUGINS": "true",  # as template.yaml sets it for every function
}
# Anything that would send the code to real AWS or to another endpoint.
UNSET = (
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_DYNAMODB",
    "DYNAMODB_ENDPOINT_URL",
    "EVENT_BUS_NAME",
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "ADMIN_KEY_SECRET_ARN",
    "PAYMENT_WEBHOOK_SECRET_ARN",
)


def configure() -> None:
    """Make `functions`, `devtools` and `licensing` importable and set the environment; idempotent."""
    for path in reversed(IMPORT_PATHS):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.update(SETTINGS)
    for name in UNSET:
        os.environ.pop(name, None)
    # Metrics are disabled, so every invocation would warn that it has none to flush.
    warnings.filterwarnings("ignore", message="No application metrics", category=UserWarning)


def child_env() -> dict[str, str]:
    """The environment of a fresh interpreter that imports a function module (after `configure`)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(IMPORT_PATHS)}
