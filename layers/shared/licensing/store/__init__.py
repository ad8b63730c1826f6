"""The single DynamoDB table: the PynamoDB models of every item, transactions with labelled items, and
Idempotency-Key records. Each context's `repository.py` builds on these; nothing else touches DynamoDB."""
