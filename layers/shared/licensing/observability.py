"""The one Logger, Tracer and Metrics of every function (service name and namespace come from the
POWERTOOLS_* environment variables set in template.yaml)."""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
