"""What every domain event shares: the envelope the bus sends (`DomainEvent`, from `SOURCE`), the
`EventDetail` base of its detail (strict, built on first use) and the annotated types of its fields. The
events themselves are in the module of the context that publishes them; `licensing.contracts.events`
lists them all.

EventBridge delivers `{"event_id": ..., **detail}` as the event's `detail`; each model describes that
whole object, `event_id` included. The docstring of a model is its one-line description, `published_by`
names the functions that write it to the outbox (in the transaction of their change), and
`event_id_format` says what its stable id is made of.
"""

import json
from typing import Annotated, Any, ClassVar, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SOURCE = "partner-licensing"  # every event's EventBridge `source`
_SYMBOL = "[0-9A-HJKMNP-TV-Z]"  # Crockford base32, as in licensing.core.ids.CROCKFORD

Timestamp = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"),
    Field(
        description="ISO 8601 UTC, to the second",
        examples=["2026-11-27T10:00:00Z"],
        json_schema_extra={"format": "date-time"},
    ),
]
LicenseKey = Annotated[
    str,
    StringConstraints(pattern=rf"^{_SYMBOL}{{5}}(-{_SYMBOL}{{5}}){{4}}$"),
    Field(description="License key, canonical form: 25 symbols in groups of five"),
]
PartnerId = Annotated[
    str, StringConstraints(pattern=rf"^ptn_{_SYMBOL}{{26}}$"), Field(description="Partner id")
]
OrderId = Annotated[str, StringConstraints(pattern=rf"^ord_{_SYMBOL}{{26}}$"), Field(description="Order id")]
WorkspaceId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128),
    Field(description="The customer's workspace the license is bound to"),
]
Product = Annotated[str, StringConstraints(min_length=1), Field(description="Edition, e.g. `business`")]
Devices = Annotated[int, Field(ge=1, description="Device limit")]
ThresholdDays = Annotated[int, Field(ge=1, description="The threshold reached, in days before the date")]
CustomerRef = Annotated[str, Field(description="The partner's own reference for the customer")]
KeyList = Annotated[list[LicenseKey], Field(description="License keys")]


class DomainEvent(NamedTuple):
    """An event as the bus sends it: `detail-type`, the stable id and the rest of the detail."""

    detail_type: str
    event_id: str
    detail: dict[str, Any]

    def as_entry(self, bus_name: str) -> dict[str, Any]:
        return {
            "Source": SOURCE,
            "DetailType": self.detail_type,
            "Detail": json.dumps({"event_id": self.event_id, **self.detail}),
            "EventBusName": bus_name,
        }


class EventDetail(BaseModel):
    """Base of every event's detail: strict about types and unknown fields."""

    # defer_build: a model is built when first used, so a function pays only for the events it publishes
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    published_by: ClassVar[tuple[str, ...]]  # the functions (functions/<name>) whose changes write it
    event_id_format: ClassVar[str]  # what the stable event_id is made of

    event_id: Annotated[
        str,
        StringConstraints(min_length=1),
        Field(description="Stable id of what the event is about: deduplicate on it"),
    ]

    def as_event(self) -> DomainEvent:
        """The envelope the bus sends: the class name as `detail-type`, the fields as `detail` (an optional
        field left unset stays absent, never null)."""
        detail = self.model_dump(mode="json", exclude_unset=True)
        return DomainEvent(type(self).__name__, event_id=detail.pop("event_id"), detail=detail)
