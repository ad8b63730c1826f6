"""Build the portal: `python -m devtools.portal_build` (or `make portal`) writes `build/portal/`.

The portal is plain ES modules, so building is copying: `portal/src/` as it is, and from
`portal/node_modules` (installed by `npm ci` from the lock file) the files the page loads, into
`vendor/`. Nothing is fetched at run time. The build then measures what a browser downloads on the
first load, compressed (gzip -9, what CloudFront's compression and the dev server's are at most), and
writes it to `build/portal/size.json`: the README's budget figure comes from there, and the build fails
when the first load is over the budget (300 KB of JavaScript and CSS).
"""

from __future__ import annotations

import gzip
import json
import posixpath
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PORTAL = REPO_ROOT / "portal"
SOURCE = PORTAL / "src"
NODE_MODULES = PORTAL / "node_modules"
OUTPUT = REPO_ROOT / "build" / "portal"
BUDGET_BYTES = 300 * 1024
URL_PATH = "/portal/"  # where the files are served: index.html names them from there

# What the page loads from npm packages: (package file, name under vendor/).
VENDOR = (
    ("tabulator-tables/dist/js/tabulator_esm.min.js", "tabulator_esm.min.js"),
    ("tabulator-tables/dist/css/tabulator_simple.min.css", "tabulator.min.css"),
    ("amazon-cognito-identity-js/dist/amazon-cognito-identity.min.js", "amazon-cognito-identity.min.js"),
)
# Only for the browser tests (not copied into the build): axe-core, injected by the tests.
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
_IMPORT = re.compile(r"""^\s*import\s[^'"]*?['"](\.{1,2}/[^'"]+)['"]""", re.MULTILINE)
_HTML_REF = re.compile(r"""<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)\"""")


@dataclass(frozen=True)
class Size:
    file: str
    raw: int
    gzip: int


DEPLOYED_RUNTIME = {"simulated_payments": False}


def build(output: Path = OUTPUT) -> dict[str, object]:
    """Copy the portal into `output` and answer its size report (also written to size.json)."""
    missing = [name for name, _ in VENDOR if not (NODE_MODULES / name).is_file()]
    if missing:
        raise SystemExit(f"error: {', '.join(missing)} missing: run `npm ci` in portal/ (make portal does)")
    if output.exists():
        shutil.rmtree(output)
    shutil.copytree(SOURCE, output)
    vendor = output / "vendor"
    vendor.mkdir()
    for source, name in VENDOR:
        shutil.copyfile(NODE_MODULES / source, vendor / name)
    first_load = [_size(output, name) for name in sorted(first_load_files(output))]
    report: dict[str, object] = {
        "budget_bytes": BUDGET_BYTES,
        "first_load_gzip_bytes": sum(size.gzip for size in first_load),
        "first_load_raw_bytes": sum(size.raw for size in first_load),
        "files": [size.__dict__ for size in first_load],
    }
    (output / "size.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    # What the deployed portal runs with: real payments (the dev server answers its own runtime.json).
    (output / "runtime.json").write_text(json.dumps(DEPLOYED_RUNTIME) + "\n", encoding="utf-8")
    return report


def first_load_files(root: Path) -> set[str]:
    """The JavaScript and CSS files index.html loads, and every module they import, transitively."""
    html = (root / "index.html").read_text(encoding="utf-8")
    refs = [ref.removeprefix(URL_PATH) for ref in _HTML_REF.findall(html)]
    pending = [ref for ref in refs if ref.endswith((".js", ".css"))]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name.endswith(".js"):
            text = (root / name).read_text(encoding="utf-8")
            base = posixpath.dirname(name)
            pending += [posixpath.normpath(posixpath.join(base, ref)) for ref in _IMPORT.findall(text)]
    return seen


def _size(root: Path, name: str) -> Size:
    data = (root / name).read_bytes()
    return Size(name, len(data), len(gzip.compress(data, compresslevel=9, mtime=0)))


def main() -> None:
    report = build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
    total, budget = int(report["first_load_gzip_bytes"]), BUDGET_BYTES  # type: ignore[call-overload]
    files: list[dict[str, object]] = report["files"]  # type: ignore[assignment]
    sys.stdout.write(f"portal built into {sys.argv[1] if len(sys.argv) > 1 else 'build/portal'}/\n")
    for size in files:
        sys.stdout.write(f"  {size['file']:<40} {size['raw']:>9,} B  {size['gzip']:>8,} B gzip\n")
    verdict = "within" if total <= budget else "OVER"
    sys.stdout.write(f"first load: {total / 1024:.1f} KB gzip of JavaScript and CSS, {verdict} the ")
    sys.stdout.write(f"{budget // 1024} KB budget\n")
    if total > budget:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
