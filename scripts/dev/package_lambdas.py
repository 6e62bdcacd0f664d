"""Build one deployment zip per Lambda function, byte-for-byte reproducibly.

Every function ships the shared ``sesmail`` package (pure Python, a few hundred KB) and differs only
in its handler; boto3 comes from the Lambda runtime and Powertools from its AWS-published layer (see
docs/decisions/0002-lambda-packaging.md). Determinism rules: entries sorted, fixed timestamp, fixed
permissions, no ``__pycache__``/``*.pyc``, fixed compression level. Two builds of the same tree give
identical bytes, so Terraform's ``source_code_hash`` only changes when code changes.

Usage: python scripts/dev/package_lambdas.py [--out build/lambda]
Exit codes: 0 built, 2 bad arguments or missing source.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "lambda_src"
PACKAGE = "sesmail"

# function name -> handler (module:function is documented for Terraform's `handler` argument).
LAMBDAS: dict[str, str] = {
    "auto_pause": "sesmail.handlers.auto_pause.handler",
    "quota_metric": "sesmail.handlers.quota_metric.handler",
    "persister": "sesmail.handlers.persister.handler",
    "status_api": "sesmail.handlers.status_api.handler",
    "ledger": "sesmail.handlers.ledger.handler",
    "outbox_replay": "sesmail.handlers.outbox_replay.handler",
    "suppression_sync": "sesmail.handlers.suppression_sync.handler",
}

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
EXCLUDED_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache"}
# The support console's page and assets ship inside the package (sesmail/console/static/).
INCLUDED_SUFFIXES = {".py", ".json", ".typed", ".html", ".css", ".js", ".svg"}


def source_files(package_dir: Path) -> list[Path]:
    files = []
    for path in package_dir.rglob("*"):
        parts = path.relative_to(package_dir).parts
        if any(part in EXCLUDED_DIRS for part in parts):
            continue
        if path.is_file() and path.suffix in INCLUDED_SUFFIXES:
            files.append(path)
    return sorted(files, key=lambda p: p.relative_to(package_dir.parent).as_posix())


def build_zip(files: list[Path], base: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(base).as_posix(), date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100644 & 0xFFFF) << 16
            info.create_system = 3  # unix, whatever the build host
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return buffer.getvalue()


def write_if_changed(target: Path, data: bytes) -> bool:
    if target.exists() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".zip.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "lambda", help="output directory")
    args = parser.parse_args(argv)

    package_dir = SOURCE / PACKAGE
    if not (package_dir / "__init__.py").is_file():
        print(f"error: {package_dir} is not a Python package", file=sys.stderr)
        return 2
    files = source_files(package_dir)
    data = build_zip(files, SOURCE)
    for name, handler in LAMBDAS.items():
        module_file = SOURCE / (handler.rsplit(".", 1)[0].replace(".", "/") + ".py")
        if not module_file.is_file():
            print(f"skip {name}: handler module {module_file.relative_to(ROOT)} does not exist yet")
            continue
        target = args.out / f"{name}.zip"
        changed = write_if_changed(target, data)
        digest = hashlib.sha256(data).hexdigest()[:16]
        state = "built" if changed else "unchanged"
        print(
            f"{state:9} {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target} "
            f"({len(files)} files, {len(data)} bytes, sha256 {digest}…)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
