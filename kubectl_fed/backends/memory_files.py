"""Credentials that a library reads only from a file name, without putting them on disk.

Python's `ssl` (and so urllib3 and the official client) loads client certificates and
keys from files only. On Linux the content goes into an anonymous in-memory file
(`memfd_create`) named by `/proc/self/fd/N`: nothing is written to any disk and nothing
is left behind, whatever ends the process (SIGKILL included). Elsewhere a private (0600)
temporary file is used and removed at exit.
"""

from __future__ import annotations

import atexit
import os
import threading

_BY_CONTENT: dict[bytes, str] = {}
_LOCK = threading.Lock()


def memory_file(content: bytes) -> str:
    """A path that reads as `content` for as long as this process runs (same content, same path)."""
    with _LOCK:
        path = _BY_CONTENT.get(content)
        if path is None:
            path = _in_memory(content) if hasattr(os, "memfd_create") else _temporary(content)
            _BY_CONTENT[content] = path
        return path


def _in_memory(content: bytes) -> str:
    descriptor = os.memfd_create("kubectl-fed-credential", os.MFD_CLOEXEC)
    written = 0
    while written < len(content):
        written += os.write(descriptor, content[written:])
    return f"/proc/self/fd/{descriptor}"


def _temporary(content: bytes) -> str:
    import tempfile

    descriptor, path = tempfile.mkstemp(prefix="kubectl-fed-", suffix=".pem")  # mode 0600
    with os.fdopen(descriptor, "wb") as out:
        out.write(content)
    atexit.register(os.unlink, path)
    return path
