"""Adapters to the AWS services other than DynamoDB: the EventBridge bus, Secrets Manager, SES, and the
Powertools logger and metrics with X-Ray tracing. Each module imports its client lazily, where it is used."""
