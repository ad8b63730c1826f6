"""The Powertools Tracer (X-Ray subsegments for handlers and AWS calls); see `licensing.observability`."""

from aws_lambda_powertools import Tracer

tracer = Tracer()
