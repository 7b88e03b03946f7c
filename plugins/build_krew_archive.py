"""Build the archive krew downloads for plugins/fed.yaml and print its sha256.

    python plugins/build_krew_archive.py [OUTPUT_DIR]

The archive is a zip of the launcher in plugins/krew/, stored uncompressed with fixed
timestamps and modes, so the same launcher always gives the same bytes and the same
sha256 on any machine: the one plugins/fed.yaml must list.
"""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from pathlib import Path

LAUNCHER = Path(__file__).parent / "krew" / "kubectl-fed"
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
EXECUTABLE = 0o100755  # a regular file, rwxr-xr-x


def archive_name(version: str) -> str:
    return f"kubectl-fed-krew-v{version}.zip"


def build() -> bytes:
    """The archive's bytes: the launcher, named as krew's `bin`, executable."""
    entry = zipfile.ZipInfo(LAUNCHER.name, date_time=FIXED_TIMESTAMP)
    entry.external_attr = EXECUTABLE << 16
    entry.create_system = 3  # unix, so the mode above is honoured when extracted
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(entry, LAUNCHER.read_bytes())
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kubectl_fed import __version__

    output = Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
    output.mkdir(parents=True, exist_ok=True)
    data = build()
    path = output / archive_name(__version__)
    path.write_bytes(data)
    print(f"{path}  sha256 {sha256(data)}")


if __name__ == "__main__":
    main()
