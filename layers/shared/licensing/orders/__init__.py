"""Orders: checkout (a new or bulk order, priced and placed exactly once per Idempotency-Key), issuing an
order's keys in chunks, the order history, and how many of an order's keys are in use."""
