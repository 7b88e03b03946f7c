"""The guide's walkthrough on a sandbox with the GCE emulator, and describe's views of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.cli import Run
from tests.support.fed import EXAMPLES, Fed
from tests.support.polling import eventually

INGRESS = "myingress"
SCHEMA_PATH = Path(__file__).parents[2] / "docs" / "federated-object.schema.json"


def walkthrough(fed: Fed) -> None:
    """The guide's ingress, service and replica set, created through kubectl fed."""
    created = fed.run("create", "-R", "-f", str(EXAMPLES))
    assert created.status == 0, created.err


def document(fed: Fed, *args: str) -> dict[str, Any]:
    run = fed.run("describe", *args, "-o", "json")
    assert run.status in (0, 3), run.err
    parsed: dict[str, Any] = json.loads(run.out)
    return parsed


def load_balancer_health(doc: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """cluster -> (healthy, total) instances over every backend service."""
    found: dict[str, tuple[int, int]] = {}
    lb = doc["federatedStatus"].get("loadBalancer") or {}
    for service in lb.get("backendServices", []):
        for entry in service["clusters"]:
            healthy, total = found.get(entry["cluster"], (0, 0))
            found[entry["cluster"]] = (healthy + entry["healthy"], total + entry["total"])
    return found


def all_healthy(fed: Fed) -> bool:
    doc = document(fed, "ingress", INGRESS)
    health = load_balancer_health(doc)
    status = doc["federatedStatus"]
    return (
        status["healthyShards"] == fed.names
        and status["address"] is not None
        and all(health.get(c, (0, 0))[0] == health.get(c, (0, 1))[1] > 0 for c in fed.names)
    )


def settled_walkthrough(fed: Fed) -> None:
    walkthrough(fed)
    assert eventually(lambda: all_healthy(fed)), fed.run("describe", "ing", INGRESS).out


def section(run: Run, title: str) -> list[str]:
    """The lines of one top-level section of describe's text, its title line first."""
    lines = run.out_lines
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{title}:"))
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")),
        len(lines),
    )
    return lines[start:end]


def field(run: Run, label: str) -> str:
    line = next(line for line in run.out_lines if line.startswith(f"{label}:"))
    return line.split(":", 1)[1].strip()


Request = tuple[str, str, str]


def forget_requests(fed: Fed) -> None:
    """Empty every member's request log and the GCE emulator's call log."""
    for cluster in fed.names:
        fed.sandbox.cluster(cluster).requests.clear()
    fed.sandbox.simulation.gce_server.router.clear_calls()


def member_requests(fed: Fed) -> dict[str, list[Request]]:
    """Each member's requests since `forget_requests`: (method, path, query)."""
    return {
        cluster: [(r.method, r.path, r.query) for r in fed.sandbox.cluster(cluster).requests]
        for cluster in fed.names
    }


def gce_calls(fed: Fed) -> list[tuple[str, str]]:
    """The GCE emulator's calls since `forget_requests`, with the project left out."""
    prefix = f"/compute/v1/projects/{fed.sandbox.gcp_project}/global/"
    return [
        (method, path.removeprefix(prefix))
        for method, path in fed.sandbox.simulation.gce_server.router.calls()
    ]
