"""DynamoDB item sizes and capacity units, estimated from the documented rules.

moto reports constant consumed-capacity figures, so the benchmark computes them from item sizes.
Sources (Amazon DynamoDB Developer Guide): "DynamoDB item sizes and formats", "DynamoDB read/write
capacity mode" and "Amazon DynamoDB Transactions: How it works".

Item size: the sum, over attributes, of the UTF-8 length of the name plus the size of the value:

- S: UTF-8 bytes; B: raw bytes (not base64);
- N: 1 byte per two significant digits (leading and trailing zeros trimmed) + 1 byte;
- BOOL, NULL: 1 byte;
- L, M: 3 bytes + for each element its size + 1 byte (for M, plus the UTF-8 length of its name);
- SS, NS, BS: the sum of the element sizes (the guide gives no overhead for sets).

Reads: 1 RCU per 4 KB of item, rounded up per item (Query and Scan round the total of the items they
read), at least 1; eventually consistent reads cost half; transactional reads cost twice.
Writes: 1 WCU per 1 KB, rounded up per item, at least 1, of the larger of the item before and after
the write; transactional writes cost twice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024
CONTAINER_OVERHEAD = 3
ELEMENT_OVERHEAD = 1
TRANSACTION_FACTOR = 2


def _utf8(text: str) -> int:
    return len(text.encode("utf-8"))


def _number_size(text: str) -> int:
    digits = Decimal(text).normalize().as_tuple().digits
    return math.ceil(len(digits) / 2) + 1


def value_size(value: Mapping[str, Any]) -> int:
    """Size in bytes of one attribute value in DynamoDB JSON, e.g. `{"S": "abc"}`, without its name."""
    (kind, data), *_ = value.items()
    match kind:
        case "S":
            return _utf8(data)
        case "N":
            return _number_size(data)
        case "B":
            return len(data)
        case "BOOL" | "NULL":
            return 1
        case "SS":
            return sum(_utf8(element) for element in data)
        case "NS":
            return sum(_number_size(element) for element in data)
        case "BS":
            return sum(len(element) for element in data)
        case "L":
            return CONTAINER_OVERHEAD + sum(value_size(element) + ELEMENT_OVERHEAD for element in data)
        case "M":
            return CONTAINER_OVERHEAD + sum(
                _utf8(name) + value_size(element) + ELEMENT_OVERHEAD for name, element in data.items()
            )
    raise ValueError(f"unknown DynamoDB attribute type {kind!r}")


def item_size(item: Mapping[str, Mapping[str, Any]]) -> int:
    """Size in bytes of an item in DynamoDB JSON (what boto3's low-level client sends and receives).

    >>> item_size({"PK": {"S": "LICENSE#ABC"}, "devices": {"N": "5"}, "tags": {"L": [{"S": "a"}]}})
    31

    That is 2 + 11 for `PK`, 7 + 2 for `devices` (one significant digit), 4 + (3 + 1 + 1) for `tags`.
    """
    return sum(_utf8(name) + value_size(value) for name, value in item.items())


def read_units(size: int, *, consistent: bool, transactional: bool = False) -> float:
    """RCU of reading `size` bytes as one unit (an item, or the items of one Query page)."""
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    if transactional:
        return float(TRANSACTION_FACTOR * units)
    return float(units) if consistent else units / 2


def write_units(size: int, *, transactional: bool = False) -> int:
    """WCU of writing one item whose larger version (before or after the write) is `size` bytes."""
    units = max(1, math.ceil(size / WRITE_UNIT_BYTES))
    return TRANSACTION_FACTOR * units if transactional else units
