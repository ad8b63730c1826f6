"""The DynamoDB engines the tests run on: moto, and Amazon's DynamoDB Local (devtools.dynamodb_local)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import boto3

from devtools.table import create_table
from licensing.store.table import reset_connections

ENGINES = ("moto", "local")


@contextmanager
def on_engine(endpoint: str, table: str) -> Iterator[None]:
    """Point every DynamoDB client (boto3, PynamoDB, the streams relay) at `endpoint` and give it a
    fresh `table` from template.yaml; delete the table and restore the endpoint afterwards."""
    previous = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    reset_connections()
    client = boto3.client("dynamodb", endpoint_url=endpoint)
    create_table(client, table)
    try:
        yield
    finally:
        client.delete_table(TableName=table)
        if previous is None:
            os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
        else:
            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = previous
        reset_connections()
