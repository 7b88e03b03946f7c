"""Read what `-f FILE|DIR|-` names into manifest sources (the parsing is core's)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from kubectl_fed.backends.local_files import InputError, read_regular_file, read_stream
from kubectl_fed.core.manifests.load import Source
from kubectl_fed.core.model.limits import MAX_INPUT_BYTES
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


def _read(path: str, stdin: TextIO | None, recursive: bool) -> list[Source]:
    if path == "-":
        return [Source("-", _read_stdin(stdin))]
    location = Path(path)
    if location.is_dir():
        return [_read_file(file) for file in _manifest_files(location, recursive)]
    if not location.exists():
        raise UsageError(f'the path "{path}" does not exist')
    return [_read_file(location)]


def _read_stdin(stdin: TextIO | None) -> str:
    """Standard input as UTF-8, strictly (a text stream may hide bad bytes as surrogates)."""
    if stdin is None or stdin.closed:
        raise UsageError("-: cannot read: standard input is closed")
    raw = getattr(stdin, "buffer", None)
    try:
        if raw is None:
            text = stdin.read(MAX_INPUT_BYTES + 1)
            if len(text) > MAX_INPUT_BYTES:
                raise InputError(f"larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
            return text
        return read_stream(raw, MAX_INPUT_BYTES).decode("utf-8")
    except (OSError, ValueError) as err:  # InputError and UnicodeDecodeError among them
        raise UsageError(f"-: cannot read: {_why(err)}") from None


def _manifest_files(
    folder: Path, recursive: bool, seen: set[tuple[int, int]] | None = None
) -> list[Path]:
    """Manifest files of `folder` in name order; with `recursive`, subfolders in place.

    A folder reached again (symlinks making a cycle, or two links to one folder) is read
    once: folders are told apart by device and inode.
    """
    seen = set() if seen is None else seen
    identity = _identity(folder)
    if identity in seen:
        return []
    seen.add(identity)
    files: list[Path] = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and recursive:
            files.extend(_manifest_files(entry, recursive, seen))
        elif entry.is_file() and entry.suffix in MANIFEST_SUFFIXES:
            files.append(entry)
    return files


def _identity(folder: Path) -> tuple[int, int]:
    status = os.stat(folder)
    return status.st_dev, status.st_ino


def _read_file(path: Path) -> Source:
    try:
        data = read_regular_file(str(path), MAX_INPUT_BYTES)
        return Source(str(path), data.decode("utf-8"))
    except (OSError, ValueError) as err:  # InputError and UnicodeDecodeError among them
        raise UsageError(f"{path}: cannot read: {_why(err)}") from None


def _why(err: Exception) -> str:
    return str(getattr(err, "strerror", None) or err)
