"""Shared secrets, read from Secrets Manager (cached for five minutes) or, locally, the environment."""

from __future__ import annotations

import os

CACHE_SECONDS = 300


def _secret(env_value: str, env_arn: str) -> str | None:
    if value := os.environ.get(env_value):
        return value
    if arn := os.environ.get(env_arn):
        from aws_lambda_powertools.utilities import parameters  # boto3 only where a secret is used

        return str(parameters.get_secret(arn, max_age=CACHE_SECONDS))
    return None


def admin_key() -> str | None:
    return _secret("LICENSING_ADMIN_KEY", "ADMIN_KEY_SECRET_ARN")


def payment_webhook_secrets() -> list[str]:
    """The current secret, optionally followed by the previous one (`new,old`) during a rotation."""
    value = _secret("PAYMENT_WEBHOOK_SECRET", "PAYMENT_WEBHOOK_SECRET_ARN") or ""
    return [part.strip() for part in value.split(",") if part.strip()]
