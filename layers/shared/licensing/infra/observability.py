"""The one Logger and Metrics of every function (service name and namespace come from the POWERTOOLS_*
environment variables in template.yaml). X-Ray tracing lives in `licensing.infra.tracing`."""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

logger = Logger()
metrics = Metrics()


def count_by(*, name: str, dimension: str, value: str) -> None:
    """One count with its own dimension (e.g. lookups by answer code), flushed at once so it never
    leaks its dimension onto the function's other metrics."""
    if is_metrics_disabled():
        return
    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=metrics.namespace) as metric:
        metric.add_dimension(name=dimension, value=value)
