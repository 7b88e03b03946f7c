"""A sandbox shared by a whole module (the figures of a run: reliability/report.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.reliability.helpers import World


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A 3-cluster sandbox for every test of a module (tests restore what they change)."""
    directory = tmp_path_factory.mktemp("sandbox")
    sandbox = SandboxFederation.start(clusters=3, directory=directory / "files")
    try:
        yield World(sandbox, directory / "home")
    finally:
        sandbox.stop()
