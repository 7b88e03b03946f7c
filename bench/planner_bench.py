"""Time the replica planner and node-port planner on large federations.

Run: python bench/planner_bench.py  (prints the best of several runs per scenario);
bench/run.py times the same scenarios as part of the whole suite.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from typing import Any

from kubectl_fed.core.ingress.nodeports import plan_services
from kubectl_fed.planner import plan

CLUSTERS = [f"cluster-{index:04d}" for index in range(1000)]
TOTAL = 100_000


def _capped_preferences() -> dict[str, Any]:
    entries = {
        name: {"weight": 1 + i % 7, "maxReplicas": 10 + i} for i, name in enumerate(CLUSTERS)
    }
    return {"rebalance": True, "clusters": entries}


def scenarios() -> dict[str, Callable[[], object]]:
    capped = _capped_preferences()
    current = {name: (i * 37) % 250 for i, name in enumerate(CLUSTERS)}
    capacity = {name: 50 + (i * 13) % 120 for i, name in enumerate(CLUSTERS)}
    keep = {"rebalance": False, "clusters": {"*": {"weight": 1}}}
    return {
        "equal weights": lambda: plan(TOTAL, CLUSTERS, None, key="default/web"),
        "weights + maxReplicas": lambda: plan(TOTAL, CLUSTERS, capped, key="default/web"),
        "rebalance=false + current": lambda: plan(TOTAL, CLUSTERS, keep, current, key="d/w"),
        "capacity + overflow": lambda: plan(TOTAL, CLUSTERS, capped, current, capacity, "d/w"),
    }


def _service(name: str, ports: list[dict[str, Any]]) -> dict[str, Any]:
    metadata = {"namespace": "default", "name": name}
    return {"metadata": metadata, "spec": {"type": "NodePort", "ports": ports}}


def node_port_run() -> Callable[[], object]:
    members = {
        f"cluster-{c:02d}": [
            _service(f"svc-{i}", [{"port": 80, "nodePort": 30000 + (i * 7 + c) % 2700}])
            for i in range(2000)
        ]
        for c in range(50)
    }
    new = [_service("web", [{"port": 80}, {"port": 443}]), _service("api", [{"port": 8080}])]
    return lambda: plan_services(new, members)


def _report(name: str, run: Callable[[], object]) -> None:
    best = min(timeit.repeat(run, number=1, repeat=5))
    print(f"  {name:<28} {best * 1000:8.1f} ms")


def main() -> None:
    print(f"planner: {len(CLUSTERS)} clusters x {TOTAL} replicas (best of 5)")
    for name, run in scenarios().items():
        _report(name, run)
    print("node ports: 50 clusters x 2000 Services, 2 new Services (best of 5)")
    _report("index + plan", node_port_run())


if __name__ == "__main__":
    main()
