"""Shared kernel of every context: the UTC clock, identifiers, money in minor units, the base domain
errors, opaque list cursors, the wildcard search partners type and the "this partner's own item" rule.
Pure Python: nothing here knows of AWS, HTTP or pydantic."""
