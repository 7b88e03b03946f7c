"""Read what `-f FILE|DIR|-` names into manifest sources (the parsing is core's)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from kubectl_fed.core.manifests import Source
from kubectl_fed.errors import UsageError

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def read_sources(paths: Sequence[str], stdin: TextIO | None = None) -> list[Source]:
    """Files as given, folders' manifest files in name order, `-` from standard input."""
    if not paths:
        raise UsageError("must specify -f FILENAME (a file, a folder or - for standard input)")
    sources: list[Source] = []
    for path in paths:
        sources.extend(_read(path, stdin or sys.stdin))
    return sources


def _read(path: str, stdin: TextIO) -> list[Source]:
    if path == "-":
        return [Source("-", stdin.read())]
    location = Path(path)
    if location.is_dir():
        files = sorted(p for p in location.iterdir() if p.suffix in MANIFEST_SUFFIXES)
        return [_read_file(file) for file in files if file.is_file()]
    if not location.exists():
        raise UsageError(f'the path "{path}" does not exist')
    return [_read_file(location)]


def _read_file(path: Path) -> Source:
    try:
        return Source(str(path), path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: cannot read: {getattr(err, 'strerror', None) or err}") from None
