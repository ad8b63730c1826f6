"""Create the DynamoDB table described by template.yaml, for tests and the dev server.

The `Table` resource in template.yaml is the single source of truth for keys and indexes: this module
reads it, so a local (moto) table can never drift from the deployed one.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "template.yaml"
TABLE_RESOURCE = "Table"

# The parts of the CloudFormation definition that `create_table` accepts as they are.
_CREATE_TABLE_KEYS = ("KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "BillingMode")
# What an endpoint without TTL support (or with TTL already on) answers to `update_time_to_live`.
_TTL_UNSUPPORTED = {"UnknownOperationException", "NotImplementedException", "ValidationException"}


class _CloudFormationLoader(yaml.SafeLoader):
    """A safe YAML loader that accepts CloudFormation short tags (`!Ref`, `!If`, `!Sub`, ...)."""


def _raw_value(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    """Load a tagged node as the plain value it wraps; the tag itself is dropped."""
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    message = f"unexpected YAML node {type(node).__name__}"
    raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)


_CloudFormationLoader.add_multi_constructor("!", _raw_value)


@cache
def _table_properties(template_path: Path) -> dict[str, Any]:
    with template_path.open(encoding="utf-8") as stream:
        template = yaml.load(stream, Loader=_CloudFormationLoader)  # noqa: S506 - a SafeLoader subclass
    properties: dict[str, Any] = template["Resources"][TABLE_RESOURCE]["Properties"]
    return properties


def table_definition(template_path: str | Path | None = None) -> dict[str, Any]:
    """Return the `create_table` arguments for the `Table` resource, without `TableName`.

    The caller adds `TableName`. The keys, attribute definitions, GSIs, billing mode and the stream are
    taken: the rest (TTL, PITR, SSE, deletion protection) is not part of `create_table`.
    """
    path = Path(template_path) if template_path is not None else TEMPLATE_PATH
    properties = _table_properties(path.resolve())
    definition = {key: properties[key] for key in _CREATE_TABLE_KEYS if key in properties}
    if stream := properties.get("StreamSpecification"):  # CloudFormation's form lacks the API's flag
        definition["StreamSpecification"] = {"StreamEnabled": True, **stream}
    return definition


def ttl_attribute(template_path: str | Path | None = None) -> str | None:
    """Return the TTL attribute name the template enables, or None."""
    path = Path(template_path) if template_path is not None else TEMPLATE_PATH
    spec = _table_properties(path.resolve()).get("TimeToLiveSpecification") or {}
    return str(spec["AttributeName"]) if spec.get("Enabled") and spec.get("AttributeName") else None


def create_table(client: DynamoDBClient, table_name: str, template_path: str | Path | None = None) -> None:
    """Create `table_name` from template.yaml with a boto3 DynamoDB client, then enable its TTL.

    Idempotent: an existing table is left as it is. TTL is enabled where the endpoint supports it.
    """
    try:
        client.create_table(TableName=table_name, **table_definition(template_path))
    except client.exceptions.ResourceInUseException:
        return
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    attribute = ttl_attribute(template_path)
    if attribute is None:
        return
    try:
        client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"AttributeName": attribute, "Enabled": True},
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in _TTL_UNSUPPORTED:
            raise
