"""E-mail delivery: Amazon SES (v2, `licensing.infra.email`) when deployed, an outbox folder of JSON
files in local development.

`NOTIFIER_OUTBOX_DIR` selects the outbox; otherwise messages go through SES from `NOTIFIER_FROM_ADDRESS`.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import NamedTuple, Protocol

LOCAL_FROM_ADDRESS = "notifications@partner-licensing.invalid"


class Email(NamedTuple):
    to: str
    subject: str
    text: str
    event_id: str  # the domain event it answers, kept for tracing (and the outbox file name)
    detail_type: str


class Mailer(Protocol):
    def send(self, email: Email) -> None: ...


class OutboxMailer:
    """Writes each message as `<event_id>.json`, for a developer to read instead of an inbox."""

    def __init__(self, folder: Path, from_address: str) -> None:
        self.folder = folder
        self.from_address = from_address

    def send(self, email: Email) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        message = {
            "to": email.to,
            "from": self.from_address,
            "subject": email.subject,
            "text": email.text,
            "event_id": email.event_id,
            "detail_type": email.detail_type,
        }
        name = re.sub(r"[^A-Za-z0-9._-]", "_", email.event_id) + ".json"
        (self.folder / name).write_text(json.dumps(message, indent=2) + "\n", encoding="utf-8")


def from_environment() -> Mailer:
    outbox = os.environ.get("NOTIFIER_OUTBOX_DIR")
    if outbox:
        return OutboxMailer(Path(outbox), os.environ.get("NOTIFIER_FROM_ADDRESS") or LOCAL_FROM_ADDRESS)
    from_address = os.environ.get("NOTIFIER_FROM_ADDRESS")
    if not from_address:
        raise RuntimeError("Set NOTIFIER_FROM_ADDRESS (SES) or NOTIFIER_OUTBOX_DIR (local development).")
    return _ses_mailer(from_address)


@cache
def _ses_mailer(from_address: str) -> Mailer:
    """One SES client per container: warm invocations reuse its connection."""
    from licensing.infra.email import SesMailer

    return SesMailer(from_address)
