"""Building blocks of every context's request and response models (`<context>/api.py`): each is a
`Model` (built on first use), and a request body (`Request`) is strict about unknown fields.

What a building block accepts is exactly what its JSON Schema (docs/openapi.json) admits: a pattern the
schema publishes is built from the same constants as the check (tests/unit/test_model_schemas.py)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, StringConstraints
from pydantic_core import PydanticCustomError, core_schema

# What a text field drops at both ends: Unicode White_Space, as pydantic's strip_whitespace (Rust's
# str::trim) dropped it before; not str.strip(), which also drops the separators U+001C..U+001F.
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # noqa: E501
CONTROL_RANGES = ((0x00, 0x1F), (0x7F, 0x9F))  # C0, DEL and C1: never inside a text


def _class(chars: str, ranges: tuple[tuple[int, int], ...] = ()) -> str:
    """The inside of a regular expression's character class, as \\uXXXX escapes (ECMA-262 and Python)."""
    runs: list[tuple[int, int]] = []
    for point in sorted({ord(c) for c in chars}):
        if runs and runs[-1][1] == point - 1:
            runs[-1] = (runs[-1][0], point)
        else:
            runs.append((point, point))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in [*runs, *ranges])


_SPACE = f"[{_class(WHITE_SPACE)}]"
_INNER = f"[^{_class('', CONTROL_RANGES)}]"  # anything but a control character
_EDGE = f"[^{_class(WHITE_SPACE, CONTROL_RANGES)}]"  # neither white space nor a control character


def text_pattern(*, required: bool) -> str:
    """What a text admits: white space, then (`required`: at least) one run of characters that has no
    control character and neither starts nor ends with white space, then white space."""
    core = f"{_EDGE}(?:{_INNER}*{_EDGE})?"
    return f"^{_SPACE}*{core if required else f'(?:{core})?'}{_SPACE}*$"


@dataclass(frozen=True, slots=True)
class Text:
    """Free text, e.g. `Annotated[str, Text(200)]`: at most `max_length` characters as sent, white space
    dropped at both ends, no control character; `required`: something besides white space."""

    max_length: int
    required: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_after_validator_function(
            self._clean,
            core_schema.str_schema(max_length=self.max_length, min_length=1 if self.required else None),
            metadata={"pydantic_js_updates": {"pattern": text_pattern(required=self.required)}},
        )

    def _clean(self, value: str) -> str:
        value = value.strip(WHITE_SPACE)
        if any(low <= ord(c) <= high for c in value for low, high in CONTROL_RANGES):
            raise PydanticCustomError("control_characters", "control characters are not allowed")
        if self.required and not value:
            raise PydanticCustomError("blank", "must not be blank")
        return value


def _integral(value: Any) -> Any:
    """JSON Schema counts 89.0 as an integer, so the API takes it as 89; 5.5, "5" and true stay refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True, slots=True)
class Integer:
    """A whole number within bounds, e.g. `Annotated[int, Integer(ge=1, le=100)]`: strict (no string, no
    boolean), except that an integral float such as 89.0 counts, as in JSON Schema."""

    ge: int | None = None
    le: int | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_before_validator_function(
            _integral, core_schema.int_schema(strict=True, ge=self.ge, le=self.le)
        )


Count = Annotated[int, Integer()]
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Hundredths:
    """A decimal to two places, e.g. a percentage: a JSON number from `minimum` to `maximum`, rounded
    half-even to 0.01, or a string that matches `pattern` (its digits, at most two decimals, taken as they
    are). A number is rounded, not refused, because no JSON Schema can say "at most two decimals" of a
    binary float: validators compute `multipleOf: 0.01` in floats, where 0.57 / 0.01 = 56.99999999999999.
    `pattern` must admit exactly the decimals of [minimum, maximum] (tests/unit/test_model_schemas.py)."""

    minimum: Decimal
    maximum: Decimal
    pattern: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        documented = core_schema.union_schema([
            core_schema.float_schema(ge=float(self.minimum), le=float(self.maximum)),
            core_schema.str_schema(pattern=self.pattern),
        ])  # fmt: skip
        return core_schema.no_info_plain_validator_function(self._parse, json_schema_input_schema=documented)

    def _parse(self, value: Any) -> Decimal:
        if isinstance(value, str) and re.fullmatch(self.pattern, value):
            return Decimal(value) + 0  # -0 is 0
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            if self.minimum <= number <= self.maximum:
                places = -int(number.as_tuple().exponent)
                return (number.quantize(HUNDREDTH, rounding=ROUND_HALF_EVEN) if places > 2 else number) + 0
        raise PydanticCustomError(
            "hundredths",
            "a number from {minimum} to {maximum}, or one as a string with at most two decimals",
            {"minimum": str(self.minimum), "maximum": str(self.maximum)},
        )


Identifier = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def unchanged() -> Any:
    """The default of a change's field that takes no null: omitted means unchanged (the model never
    validates the default, and `model_dump(exclude_unset=True)` leaves it out), and the schema says
    neither `null` nor a default."""
    return Field(default=None, json_schema_extra=_no_default)


class Model(BaseModel):
    # Built on first use, not at import: a function's cold start pays only for the models it serves.
    model_config = ConfigDict(defer_build=True)


class Request(Model):
    model_config = ConfigDict(extra="forbid")


# An https:// address whose host is a DNS name (labels of letters, digits and inner hyphens), an optional
# port, then any path, query or fragment without white space.
HTTPS_URL_PATTERN = (
    r"^https://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+"
    r"(:[0-9]{1,5})?([/?#][^\s]*)?$"
)
