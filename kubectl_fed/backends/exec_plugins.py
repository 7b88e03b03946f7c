"""Exec credential plugins, as the official client runs them, bounded and never left behind.

The client starts a plugin and waits for it with no time limit. `supervise` has it start
plugins through `PluginProcess`: each runs in its own process group, is killed (with
whatever it started) when it gives no answer within the request timeout, and
`stop_plugins` kills every one still running when the command ends, however it ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from types import ModuleType, SimpleNamespace
from typing import Any

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
        limit = self.time_limit if timeout is None else timeout
        try:
            return super().communicate(input, timeout=limit)
        except subprocess.TimeoutExpired:
            self.stop()
            raise PluginTimeout(f"exec: the plugin gave no answer within {limit:g}s") from None
        finally:
            if self.returncode is not None:
                with _LOCK:
                    _LIVE.discard(self)

    def stop(self) -> None:
        """Kill the plugin and everything it started (its process group)."""
        if self.returncode is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                self.kill()
        with _LOCK:
            _LIVE.discard(self)


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
