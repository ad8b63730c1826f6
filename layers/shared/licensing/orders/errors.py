"""Order errors."""

from __future__ import annotations

from licensing.core.errors import NotFound


class OrderNotFound(NotFound):
    code = "ORDER_NOT_FOUND"
    title = "Order not found"
