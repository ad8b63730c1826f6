"""The dev server's banner, read back: the tests and the soak start `python -m devtools.devserver` as a
subprocess and find its URL, keys, database, user pool and demo owner in what it prints, so that format
is read in one place."""

from __future__ import annotations

import re

READY = "Press Ctrl-C to stop."  # the banner's last line
URL = r"^\s*URL:\s+(http://127\.0\.0\.1:\d+)\s*$"
PARTNER_KEY = r"export API=\S+ KEY=(plk_\S+)"  # the demo partner's API key
DYNAMODB_ENDPOINT = r"DynamoDB endpoint:\s+(http://\S+)"
TABLE = r"DynamoDB endpoint:.*\btable (\S+)"
ENGINE = r"DynamoDB endpoint:\s+\S+ \((.*)\)"
COGNITO_ENDPOINT = r"Cognito endpoint:\s+(http://\S+)"
USER_POOL = r"Cognito endpoint:.*\bpool (\S+),"
CLIENT_ID = r"Cognito endpoint:.*\bclient (\S+)$"
OWNER_EMAIL = r"Demo owner:\s+([^\s,]+)"
OWNER_PASSWORD = r"Demo owner:.*\btemporary password (\S+)"  # noqa: S105 - a pattern
SIGN_IN = "Sign in as the demo owner"  # the heading of the sign-in example's shell lines


def value(output: str, pattern: str) -> str | None:
    """The first group of `pattern` in the banner's `output`, or None when it is not there."""
    found = re.search(pattern, output, re.MULTILINE)
    return found.group(1) if found else None
