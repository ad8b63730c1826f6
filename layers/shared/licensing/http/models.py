"""Building blocks of every context's request and response models (`<context>/api.py`): each is a
`Model` (built on first use), and a request body (`Request`) is strict about unknown fields."""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

Count = Annotated[int, Field(strict=True)]


def _no_control_characters(value: str) -> str:
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
        raise ValueError("control characters are not allowed")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_no_control_characters)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")]


class Model(BaseModel):
    # Built on first use, not at import: a function's cold start pays only for the models it serves.
    model_config = ConfigDict(defer_build=True)


class Request(Model):
    model_config = ConfigDict(extra="forbid")
