"""`fed`: kubectl-fed in process against the `sandbox` fixture (and, for modules marked
`gce`, against its Google Cloud emulator too)."""

from __future__ import annotations

import pytest

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.fed import Fed


@pytest.fixture
def fed(request: pytest.FixtureRequest, sandbox: SandboxFederation, fed_env: dict[str, str]) -> Fed:
    return Fed(sandbox, fed_env, gce=request.node.get_closest_marker("gce") is not None)
