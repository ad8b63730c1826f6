"""`make bench`: DynamoDB calls and estimated capacity per operation, lookup latency against a bare
`get_item`, and cold import times against `import boto3`, printed as Markdown from one run."""
