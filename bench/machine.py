"""What the benchmark ran on: machine size, load, tool versions."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from kubectl_fed import __version__


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def describe_machine(kubectl: str, env: dict[str, str]) -> dict[str, object]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpus": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(terse=True),
        "python": platform.python_version(),
        "kubectl": _kubectl_version(kubectl, env),
        "kubectl_fed": __version__,
        "commit": _commit(),
    }


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _kubectl_version(kubectl: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [kubectl, "version", "--client", "-o", "json"], env=env, capture_output=True, text=True
    )
    try:
        return str(json.loads(done.stdout)["clientVersion"]["gitVersion"])
    except (ValueError, KeyError):
        return "unknown"


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=Path(__file__).resolve().parent,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or "unknown"
