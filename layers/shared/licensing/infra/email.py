"""Amazon SES (v2): how the notifier's e-mails leave when deployed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from licensing.notifications.mailers import Email


class SesMailer:
    def __init__(self, from_address: str) -> None:
        self.from_address = from_address
        self._client: Any = None

    def send(self, email: Email) -> None:
        if self._client is None:
            import boto3  # imported here so the outbox mode (and its tests) never pays for the client

            self._client = boto3.client("sesv2")
        self._client.send_email(
            FromEmailAddress=self.from_address,
            Destination={"ToAddresses": [email.to]},
            Content={
                "Simple": {
                    "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": email.text, "Charset": "UTF-8"}},
                }
            },
        )
