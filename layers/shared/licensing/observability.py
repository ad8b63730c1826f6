"""The one Logger and Metrics of every function (service name and namespace come from the POWERTOOLS_*
environment variables in template.yaml). The Tracer lives in `licensing.tracing`: importing the X-Ray
SDK costs about as much as importing boto3, so the lookup hot path goes without it."""

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()
