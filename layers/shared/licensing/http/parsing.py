"""Validating a body read by hand (the webhook checks its signature on the raw bytes first)."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from licensing.http.problem_details import validation_problem

ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_body(model: type[ModelT], raw: str) -> ModelT:
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise validation_problem([dict(e) for e in error.errors()]) from None
