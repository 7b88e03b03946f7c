"""The background sandbox process: `python -m kubectl_fed.sandbox.serve --dir DIR ...`.

It starts the federation, writes DIR/kubeconfig and DIR/kubectl-fed.yaml, then the state
file (which tells `kubectl fed sandbox up` it is ready), and runs until `/stop` or SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import threading
from pathlib import Path
from types import FrameType

from kubectl_fed.sandbox.control import ControlServer
from kubectl_fed.sandbox.controllers.wiring import SimulationOptions
from kubectl_fed.sandbox.federation import SandboxFederation
from kubectl_fed.sandbox.files import fingerprint
from kubectl_fed.sandbox.state import GLBC_MODES, SandboxState, state_path, write_state


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m kubectl_fed.sandbox.serve")
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--clusters", type=int, default=3)
    parser.add_argument("--latency", type=int, default=0, help="milliseconds per request")
    parser.add_argument("--glbc", choices=GLBC_MODES, default=GLBC_MODES[0])
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    directory = args.dir.resolve()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    simulation = SimulationOptions(glbc=args.glbc)
    federation = SandboxFederation.start(
        args.clusters, directory, latency_ms=args.latency, simulation=simulation
    )
    secret = secrets.token_urlsafe(32)
    control = ControlServer(federation, secret, stopping.set)
    control.start()
    try:
        gce = (federation.gce_endpoint, federation.gcp_project)
        written = (federation.kubeconfig_path, federation.membership_path)
        files = {path.name: fingerprint(path) for path in written}
        state = SandboxState(
            os.getpid(), control.port, secret, federation.names, *gce, files, glbc=args.glbc
        )
        write_state(directory, state)
        print(f"sandbox ready: {', '.join(federation.names)}", flush=True)
        while not stopping.wait(1.0):
            pass
    finally:
        control.stop()
        federation.stop()
        with contextlib.suppress(FileNotFoundError):
            state_path(directory).unlink()
        print("sandbox stopped", flush=True)


if __name__ == "__main__":
    main()
