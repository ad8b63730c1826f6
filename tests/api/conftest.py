"""Fixtures of the modules under tests/api that drive the dev server over HTTP: each module that asks for
`devserver` (or `base_url`, `partner_key`) starts a dev server of its own, once for the module."""

from tests.support.devserver import base_url, devserver, partner_key  # noqa: F401 - fixtures
