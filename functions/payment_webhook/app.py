"""Signed events from the payment provider: paid, failed, refunded."""

from licensing.core import clock
from licensing.core.errors import MalformedJson, ValidationFailed
from licensing.http.contract import PAYMENTS, operation
from licensing.http.parsing import parse_body
from licensing.http.resolver import api_handler, create_app
from licensing.infra import secrets
from licensing.infra.observability import count_by
from licensing.orders.errors import OrderNotFound
from licensing.payments import signatures, webhook
from licensing.payments.api import PaymentEventIn, WebhookOut
from licensing.payments.errors import InvalidSignature, OrderBusy, OrderNotPaidYet

app = create_app(validation=False)  # the body is parsed by hand, after its signature is checked


@app.post(
    "/v1/webhooks/payments",
    **operation(
        "receivePaymentEvent",
        PAYMENTS,
        "A signed payment event",
        InvalidSignature,
        ValidationFailed,
        MalformedJson,
        OrderNotFound,
        OrderNotPaidYet,
        OrderBusy,
        role="payment_provider",
    ),
)
def receive_payment_event() -> WebhookOut:
    raw_body = app.current_event.decoded_body or ""
    now = clock.now()
    signatures.verify(
        app.current_event.headers.get("Payment-Signature"),
        raw_body,
        secrets.payment_webhook_secrets(),
        int(now.timestamp()),
    )
    event = parse_body(PaymentEventIn, raw_body)
    outcome = webhook.handle(event, now)
    count_by(name="PaymentEvents", dimension="outcome", value=outcome)
    return WebhookOut(received=True, event_id=event.id, outcome=outcome)


lambda_handler = api_handler(app)
