"""The notifier: turns the sweeper's domain events into e-mails, exactly once per event id.

EventBridge delivers at least once, so the event id is claimed before sending and a second delivery
finds the claim and sends nothing. A send that fails releases the claim and re-raises, so the retry
sends it. Only a function killed between claim and send (a timeout) loses its e-mail: never a repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Literal

from licensing.infra.observability import logger
from licensing.notifications import repository, templates
from licensing.notifications.mailers import Email, Mailer
from licensing.partners import repository as partner_repo

Outcome = Literal["sent", "duplicate", "no_address", "ignored"]
Renderer = Callable[[Mapping[str, Any], str], templates.Notice]

RENDERERS: dict[str, Renderer] = {
    "PartnerRenewalDigest": templates.renewal_digest,
    "CouponDeadlineWarning": templates.coupon_deadline_warning,
    "EndCustomerExpiryNotice": templates.end_customer_expiry,
    "MonthlyStatementIssued": templates.monthly_statement,
    "OfferCreated": templates.offer_created,
    "DiscountRequestRejected": templates.discount_request_rejected,
}


def handle(detail_type: str, detail: Mapping[str, Any], mailer: Mailer, now: datetime) -> Outcome:
    render = RENDERERS.get(detail_type)
    if render is None:
        logger.info("Ignored an event the notifier does not handle", extra={"detail_type": detail_type})
        return "ignored"
    event_id = str(detail["event_id"])
    partner = partner_repo.get(str(detail["partner_id"]))
    to_customer = detail_type == "EndCustomerExpiryNotice"
    recipient: str | None = detail.get("customer_email") if to_customer else partner.email
    notice = render(detail, partner.name)  # a malformed event fails here, before anything is written
    outcome: Outcome = "sent" if recipient else "no_address"
    claim = repository.claim(
        event_id=event_id, detail_type=detail_type, recipient=recipient, outcome=outcome, now=now
    )
    if claim is None:
        outcome = "duplicate"
    elif recipient:
        email = Email(recipient, notice.subject, notice.text, event_id, detail_type)
        try:
            mailer.send(email)
        except Exception:
            repository.release(claim)
            raise
    logger.info("Notification handled", extra={"event_id": event_id, "outcome": outcome})
    return outcome
