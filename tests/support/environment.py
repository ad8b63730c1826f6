"""The environment the tests run in: conftest.py applies it before anything imports the application."""

from __future__ import annotations

TABLE = "licensing-test"
ADMIN_KEY = "admin-test-key"
WEBHOOK_SECRET = "whsec_test"

ENVIRONMENT = {
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "TABLE_NAME": TABLE,
    "POWERTOOLS_SERVICE_NAME": "partner-licensing",
    "POWERTOOLS_METRICS_NAMESPACE": "PartnerLicensing",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "LICENSING_ADMIN_KEY": ADMIN_KEY,
    "PAYMENT_WEBHOOK_SECRET": WEBHOOK_SECRET,
}
