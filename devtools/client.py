"""Generate the typed Python client of the committed docs/openapi.json (`make client`) with
openapi-python-client and devtools/openapi-python-client.yaml: the package `licensing_client`, in
build/client/ by default. Offline, and any warning fails it: a warning means the tool skipped an
endpoint or a model of the document.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "docs" / "openapi.json"
CONFIG = ROOT / "devtools" / "openapi-python-client.yaml"
PACKAGE = "licensing_client"


def generate(into: Path = ROOT / "build" / "client") -> Path:
    """Write the package to `into`/licensing_client (replacing an older one) and answer its folder."""
    scripts = Path(sys.executable).parent  # this venv's: the generator, and the ruff of its post hooks
    package = into / PACKAGE
    command = [
        str(scripts / "openapi-python-client"), "generate", "--path", str(SPEC), "--config", str(CONFIG),
        "--meta", "none", "--output-path", str(package), "--overwrite", "--fail-on-warning",
    ]  # fmt: skip
    env = {**os.environ, "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"openapi-python-client failed:\n{done.stdout}\n{done.stderr}")
    return package


if __name__ == "__main__":
    print(generate())
