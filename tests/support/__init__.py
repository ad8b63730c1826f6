"""Helpers shared by every folder of tests: import them from their modules (`tests.support.clients`, ...).

This file imports nothing on purpose: conftest.py reads `tests.support.environment` before it sets the
environment the application reads at import time, so importing the package must not import the app."""
