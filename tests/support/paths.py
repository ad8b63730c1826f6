"""Where the repository is, wherever the test module that asks sits below tests/."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
