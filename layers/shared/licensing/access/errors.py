"""API key errors."""

from __future__ import annotations

from licensing.core.errors import NotFound


class ApiKeyNotFound(NotFound):
    code = "API_KEY_NOT_FOUND"
    title = "API key not found"
