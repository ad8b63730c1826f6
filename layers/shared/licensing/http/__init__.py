"""HTTP plumbing shared by the API functions: the resolver factory, problems and the caller's identity."""

from licensing.http.resolver import api_handler, create_app, idempotency_key, principal

__all__ = ["api_handler", "create_app", "idempotency_key", "principal"]
