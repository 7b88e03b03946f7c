"""Reading the files and streams a user names, bounded: manifests, kubeconfigs, membership.

Only regular files are read (a device such as /dev/zero never ends, a FIFO may block
forever), at most `limit` bytes, in chunks so that Ctrl-C is honoured at once. Each
problem is an `InputError` whose message the caller prefixes with what it was reading.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

_CHUNK = 1024 * 1024


class InputError(ValueError):
    """The file or stream cannot be used; the message says why, in a few words."""


def read_regular_file(path: str, limit: int) -> bytes:
    """The file's bytes; InputError when it is not a regular file or is over `limit`.

    OSError (missing file, no permission) is left to the caller.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise InputError("not a regular file (a device, FIFO or socket is never read)")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in meanwhile: no wait
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise InputError("not a regular file (a device, FIFO or socket is never read)")
        return read_stream(handle, limit)


def read_stream(stream: BinaryIO, limit: int) -> bytes:
    """At most `limit` bytes of `stream`; InputError when there are more."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise InputError(f"larger than {limit // (1024 * 1024)} MiB, the most that is read")
