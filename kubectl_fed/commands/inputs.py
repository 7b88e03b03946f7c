"""Read what `-f FILE|DIR|-` names into manifest sources (the parsing is core's)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from kubectl_fed.core.manifests import Source
from kubectl_fed.errors import UsageError

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def read_sources(
    paths: Sequence[str], stdin: TextIO | None = None, recursive: bool = False
) -> list[Source]:
    """Files as given, folders' manifest files in name order, `-` from standard input.

    `recursive` also reads the folders inside folders (kubectl's -R).
    """
    if not paths:
        raise UsageError("must specify -f FILENAME (a file, a folder or - for standard input)")
    sources: list[Source] = []
    for path in paths:
        sources.extend(_read(path, stdin or sys.stdin, recursive))
    return sources


def _read(path: str, stdin: TextIO, recursive: bool) -> list[Source]:
    if path == "-":
        return [Source("-", _read_stdin(stdin))]
    location = Path(path)
    if location.is_dir():
        return [_read_file(file) for file in _manifest_files(location, recursive)]
    if not location.exists():
        raise UsageError(f'the path "{path}" does not exist')
    return [_read_file(location)]


def _read_stdin(stdin: TextIO) -> str:
    """Standard input as UTF-8, strictly (a text stream may hide bad bytes as surrogates)."""
    raw = getattr(stdin, "buffer", None)
    try:
        return raw.read().decode("utf-8") if raw is not None else stdin.read()
    except UnicodeDecodeError as err:
        raise UsageError(f"-: cannot read: {err}") from None


def _manifest_files(folder: Path, recursive: bool) -> list[Path]:
    """Manifest files of `folder` in name order; with `recursive`, subfolders in place."""
    files: list[Path] = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and recursive:
            files.extend(_manifest_files(entry, recursive))
        elif entry.is_file() and entry.suffix in MANIFEST_SUFFIXES:
            files.append(entry)
    return files


def _read_file(path: Path) -> Source:
    try:
        return Source(str(path), path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: cannot read: {getattr(err, 'strerror', None) or err}") from None
