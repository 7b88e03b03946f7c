"""The GCE emulator and every cluster's controllers of one sandbox federation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from kubectl_fed.sandbox.apiserver.store import Store
from kubectl_fed.sandbox.controllers.nodes import DEFAULT_CAPACITY, Topology, apply_topology
from kubectl_fed.sandbox.controllers.runner import (
    DEFAULT_READY_DELAY,
    DEFAULT_RESYNC,
    ClusterControllers,
    ControllerOptions,
)
from kubectl_fed.sandbox.gce import DEFAULT_PROJECT, GceServer, GceState


@dataclass(frozen=True)
class SimulationOptions:
    """How the sandbox's clusters behave. `capacity` and `zones` may be overridden per
    cluster name through `capacities` and `zones`; `ready_delay` 0 makes pods Ready at once."""

    capacity: int = DEFAULT_CAPACITY
    capacities: Mapping[str, int] = field(default_factory=dict)
    zones: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ready_delay: float = DEFAULT_READY_DELAY
    resync: float = DEFAULT_RESYNC
    project: str = DEFAULT_PROJECT
    glbc: str = "current"  # or "legacy": the guide's 2016 controller (see GlbcController)

    def for_cluster(self, name: str) -> ControllerOptions:
        return ControllerOptions(
            capacity=self.capacities.get(name, self.capacity),
            zones=tuple(self.zones.get(name, ())),
            ready_delay=self.ready_delay,
            resync=self.resync,
            legacy_glbc=self.glbc == "legacy",
        )


class Simulation:
    """Add every cluster, `start()`, and `stop()` when the sandbox stops."""

    def __init__(self, options: SimulationOptions | None = None) -> None:
        self.options = options or SimulationOptions()
        self.gce = GceState(self.options.project)
        self._server = GceServer(self.gce)
        self._clusters: dict[str, ClusterControllers] = {}
        self._started = False

    @property
    def gce_endpoint(self) -> str:
        return self._server.endpoint

    @property
    def gce_server(self) -> GceServer:
        return self._server

    @property
    def gcp_project(self) -> str:
        return self.gce.project

    def add(self, name: str, store: Store, reachable: Callable[[], bool]) -> ClusterControllers:
        controllers = ClusterControllers(
            name, store, self.gce, self.options.for_cluster(name), reachable
        )
        self._clusters[name] = controllers
        if self._started:
            controllers.start()
        return controllers

    def controllers(self, name: str) -> ClusterControllers:
        return self._clusters[name]

    def pause_glbc(self, name: str, paused: bool = True) -> None:
        """Stop (or restart) one cluster's GLBC: its ingresses keep their finalizers."""
        self._clusters[name].pause_glbc(paused)

    def set_capacity(self, name: str, capacity: int) -> None:
        """Resize a cluster's nodes (pods Pending for room get scheduled on the next pass)."""
        cluster = self._clusters[name]
        cluster.options = replace(cluster.options, capacity=capacity)
        apply_topology(cluster.store, Topology(capacity, cluster.options.zones))

    def start(self) -> Simulation:
        self._server.start()
        self._started = True
        for controllers in self._clusters.values():
            controllers.start()
        return self

    def settle(self, timeout: float = 10.0) -> bool:
        return all(c.settle(timeout) for c in self._clusters.values())

    def stop(self) -> None:
        if not self._started:
            return
        self._started = False
        for controllers in self._clusters.values():
            controllers.stop()
        self._server.stop()
