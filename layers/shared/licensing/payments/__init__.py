"""The payment provider's signed webhook: a payment settles an order (issuing its keys, or extending the
license a renewal order renews), a failure or a mismatch is recorded, a full refund revokes the keys not
yet in use; each exactly once per event id and per order."""
