"""The one Logger and Metrics of every function (service name and namespace come from the POWERTOOLS_*
environment variables in template.yaml). X-Ray tracing lives in `licensing.infra.tracing`.

Log hygiene, whatever the log level: the libraries' own loggers stay at INFO (at DEBUG botocore writes
request and response bodies, PynamoDB every call's arguments and Powertools a route's arguments: license
keys, secrets read from Secrets Manager), and any full license key left in a line of ours is masked to
its first group by the formatter."""

import logging
import re
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

if TYPE_CHECKING:
    from aws_lambda_powertools.logging.types import LogRecord

# Lambda's runtime points the root logger at CloudWatch at the function's level, so these would log there.
QUIET_LIBRARIES = ("botocore", "boto3", "urllib3", "s3transfer", "pynamodb", "aws_lambda_powertools")
# A license key as printed: five groups of five Crockford symbols (licensing.licenses.keys).
_FULL_KEY = re.compile(r"(?<![0-9A-Za-z])([0-9A-HJKMNP-TV-Z]{5})(?:-[0-9A-HJKMNP-TV-Z]{5}){4}(?![0-9A-Za-z])")


def mask_keys(text: str) -> str:
    """`text` with every full license key shown as its first group (`7K3QD-*****-*****-*****-*****`)."""
    return _FULL_KEY.sub(r"\1-*****-*****-*****-*****", text)


class MaskingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON lines with any full license key masked: message, extra keys and tracebacks."""

    def serialize(self, log: "LogRecord") -> str:
        return mask_keys(super().serialize(log))


for _name in QUIET_LIBRARIES:
    logging.getLogger(_name).setLevel(logging.INFO)

logger = Logger(logger_formatter=MaskingFormatter())
metrics = Metrics()


def count_by(*, name: str, dimension: str, value: str) -> None:
    """One count with its own dimension (e.g. lookups by answer code), flushed at once so it never
    leaks its dimension onto the function's other metrics."""
    if is_metrics_disabled():
        return
    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=metrics.namespace) as metric:
        metric.add_dimension(name=dimension, value=value)
