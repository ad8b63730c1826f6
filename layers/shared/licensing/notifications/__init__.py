"""E-mails from domain events: renewal digests and coupon deadline warnings to partners, the expiry
notice to end customers; rendered from the event, sent once per event id (SES, or an outbox folder
locally)."""
