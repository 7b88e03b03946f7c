"""Exec credential plugins, as the official client runs them, bounded and never left behind.

The client starts a plugin and reads all it writes with no time limit. `supervise` has
it start plugins through `PluginProcess`: each runs in its own process group, is killed
(with whatever it started) when it gives no answer within the request timeout or writes
more than MAX_OUTPUT, and `stop_plugins` kills every one still running when the command
ends, however it ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from types import ModuleType, SimpleNamespace
from typing import Any

MAX_OUTPUT = 1024 * 1024  # an ExecCredential is a few kilobytes, certificates included
_CHUNK = 64 * 1024
_LIVE: set[PluginProcess] = set()
_LOCK = threading.Lock()


class PluginProcess(subprocess.Popen[str]):
    """A plugin process that cannot outlive its time limit nor the command."""

    time_limit = 30.0  # set by `supervise` to the request timeout

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "start_new_session": True})
        with _LOCK:
            _LIVE.add(self)

    def communicate(
        self, input: str | None = None, timeout: float | None = None
    ) -> tuple[Any, Any]:
        """The plugin's output (at most MAX_OUTPUT characters of each stream), once it
        has exited; PluginTimeout when it runs past its time limit or writes more. (The
        client sends the plugin no input.)"""
        limit = self.time_limit if timeout is None else timeout
        readers = [_Reader(stream) for stream in (self.stdout, self.stderr)]
        try:
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline and any(r.is_alive() for r in readers):
                if any(reader.too_much for reader in readers):
                    break
                time.sleep(0.02)
            if any(reader.too_much for reader in readers):
                raise PluginTimeout(f"exec: the plugin wrote more than {MAX_OUTPUT} characters")
            if any(reader.is_alive() for reader in readers):
                raise PluginTimeout(f"exec: the plugin gave no answer within {limit:g}s")
            self.wait(max(0.0, deadline - time.monotonic()))
            for stream in (self.stdout, self.stderr):
                if stream is not None:
                    stream.close()
        except (PluginTimeout, subprocess.TimeoutExpired) as err:
            self.stop()
            if isinstance(err, PluginTimeout):
                raise
            raise PluginTimeout(f"exec: the plugin gave no answer within {limit:g}s") from None
        finally:
            if self.returncode is not None:
                with _LOCK:
                    _LIVE.discard(self)
        return readers[0].text(), readers[1].text()

    def stop(self) -> None:
        """Kill the plugin and everything it started (its process group)."""
        if self.returncode is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                self.kill()
        with _LOCK:
            _LIVE.discard(self)


class _Reader(threading.Thread):
    """Reads one of the plugin's output streams, at most MAX_OUTPUT characters."""

    def __init__(self, stream: Any) -> None:
        super().__init__(daemon=True)
        self._stream = stream
        self._chunks: list[str] = []
        self.too_much = False
        self.start()

    def run(self) -> None:
        if self._stream is None:
            return
        size = 0
        while chunk := self._stream.read(_CHUNK):
            size += len(chunk)
            if size > MAX_OUTPUT:
                self.too_much = True
                return
            self._chunks.append(chunk)

    def text(self) -> str | None:
        return "".join(self._chunks) if self._stream is not None else None


class PluginTimeout(Exception):
    """A plugin that gave no answer in time (the client logs it as the context's error)."""


def supervise(exec_provider: ModuleType, time_limit: float) -> None:
    """Have the client's exec provider start its plugins as `PluginProcess`es."""
    PluginProcess.time_limit = time_limit
    exec_provider.subprocess = SimpleNamespace(  # type: ignore[attr-defined]
        Popen=PluginProcess, PIPE=subprocess.PIPE
    )


def stop_plugins() -> None:
    """Kill every plugin process still running."""
    with _LOCK:
        running = list(_LIVE)
    for process in running:
        process.stop()
