"""`get --watch` in a real process: rows as objects change, Ctrl-C ends it with status 0."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.members import EU

pytestmark = pytest.mark.subprocess

WAIT_SECONDS = 60  # generous bound for a loaded machine; never asserted as a duration


def _lines(stream: object, sink: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
        sink.put(line.rstrip("\n"))


def _next_matching(sink: queue.Queue[str], needle: str) -> str:
    while True:
        line = sink.get(timeout=WAIT_SECONDS)
        if needle in line:
            return line


def test_watch_prints_new_rows_until_interrupted(
    sandbox: SandboxFederation, fed_env: dict[str, str], tmp_path: Path
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "kubectl_fed", "get", "svc", "--watch"],
        env=fed_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sink: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_lines, args=(process.stdout, sink), daemon=True)
    reader.start()
    try:
        header = _next_matching(sink, "CLUSTER")
        assert header.split()[:3] == ["CLUSTER", "NAME", "TYPE"]
        service = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "late", "namespace": "default"},
            "spec": {"ports": [{"port": 80}]},
        }
        sandbox.cluster(EU).store.create("services", "default", service)
        rows = [_next_matching(sink, " late ").split()[:3] for _ in range(3)]
        assert sorted(rows) == [
            ["asia-east1", "late", "<missing>"],
            [EU, "late", "ClusterIP"],
            ["us-central1", "late", "<missing>"],
        ]
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT_SECONDS) == 0
        assert process.stderr is not None
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=WAIT_SECONDS)
