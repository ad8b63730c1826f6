"""Persistence: the single-table PynamoDB models and one repository module per aggregate.

Nothing outside this package talks to DynamoDB.
"""
