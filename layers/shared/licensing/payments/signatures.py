"""Payment webhook signatures: `Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256("<t>.<body>")>`."""

from __future__ import annotations

import hashlib
import hmac

from licensing.payments.errors import InvalidSignature

TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(header: str | None, body: str, secrets: list[str], now: int) -> None:
    """Accept the body only if some `v1` matches one of the secrets (several during a rotation) and
    `t` is within five minutes of now, either way."""
    if not header:
        raise InvalidSignature("The Payment-Signature header is missing.")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif name == "v1" and value.isascii():
            candidates.append(value)
    if timestamp is None or not candidates:
        raise InvalidSignature("The Payment-Signature header is malformed.")
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature("The signature timestamp is more than five minutes away from now.")
    expected = [sign(secret, timestamp, body).partition(",v1=")[2] for secret in secrets if secret]
    if not any(hmac.compare_digest(c, e) for c in candidates for e in expected):
        raise InvalidSignature("The signature does not match the body.")
