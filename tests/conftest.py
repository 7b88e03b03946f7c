"""Shared fixtures (sandbox federations of simulated clusters, the environment for CLI tests),
and the markers that say what a test costs.

A test is marked `sandbox` when it uses a fixture that starts one (modules that start their
own say so with `pytestmark`), `kubectl` when it uses `kubectl_path`. Tests under tests/unit
may carry none of the cost markers: they start no server, no process and no sandbox."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kubectl_fed.sandbox.federation import SandboxFederation

# the reliability figures at the end of a run, counted in the controlling process under xdist
pytest_plugins = ["tests.reliability.report"]

SandboxFactory = Callable[..., SandboxFederation]

COST_MARKERS = ("sandbox", "server", "subprocess", "kubectl")
# fixtures that start a sandbox (tests/conftest.py, tests/reliability/conftest.py)
SANDBOX_FIXTURES = {"sandbox_factory", "world"}
UNIT = Path(__file__).parent / "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & SANDBOX_FIXTURES:
            item.add_marker(pytest.mark.sandbox)
        if "kubectl_path" in fixtures:
            item.add_marker(pytest.mark.kubectl)
        costs = [name for name in COST_MARKERS if item.get_closest_marker(name)]
        if costs and item.path.is_relative_to(UNIT):
            raise pytest.UsageError(
                f"{item.nodeid} is marked {', '.join(costs)}: tests/unit holds pure tests only"
            )


@pytest.fixture
def sandbox_factory(tmp_path: Path) -> Iterator[SandboxFactory]:
    """`sandbox_factory(clusters=5, latency_ms=0, ...)`: start sandboxes, all stopped afterwards.

    Each one writes its files to its own folder under tmp_path unless `directory` is given.
    """
    started: list[SandboxFederation] = []

    def start(**options: Any) -> SandboxFederation:
        options.setdefault("directory", tmp_path / f"sandbox-{len(started)}")
        federation = SandboxFederation.start(**options)
        started.append(federation)
        return federation

    yield start
    for federation in reversed(started):
        federation.stop()


@pytest.fixture
def sandbox(sandbox_factory: SandboxFactory) -> SandboxFederation:
    """A started 3-cluster federation: us-central1, europe-west1, asia-east1."""
    return sandbox_factory(clusters=3)


@pytest.fixture
def member(sandbox_factory: SandboxFactory) -> SandboxFederation:
    """A started one-cluster federation (us-central1)."""
    return sandbox_factory(clusters=1)


@pytest.fixture
def fed_env(sandbox: SandboxFederation, tmp_path: Path) -> dict[str, str]:
    """The environment for running `kubectl fed` (or kubectl) against the `sandbox` fixture."""
    env = dict(os.environ)
    env.pop("KUBECTL_FED_DEBUG", None)
    env["KUBECONFIG"] = str(sandbox.kubeconfig_path)
    env["KUBECTL_FED_CONFIG"] = str(sandbox.membership_path)
    env["HOME"] = str(tmp_path / "home")
    return env


@pytest.fixture
def kubectl_path() -> str:
    """The real kubectl binary; tests that need it are skipped when it is not on PATH."""
    found = shutil.which("kubectl")
    if found is None:
        pytest.skip("kubectl is not on PATH")
    return found
