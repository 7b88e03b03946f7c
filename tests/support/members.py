"""The sandbox's member names, as the sandbox itself names its first clusters."""

from __future__ import annotations

from kubectl_fed.sandbox.regions import cluster_names

MEMBERS: list[str] = cluster_names(3)
US, EU, ASIA = MEMBERS
