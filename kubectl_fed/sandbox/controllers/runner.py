"""Starts and stops the simulated controllers of one sandbox cluster."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kubectl_fed.sandbox.apiserver.store import Store
from kubectl_fed.sandbox.controllers.deployment import DeploymentController
from kubectl_fed.sandbox.controllers.endpoints import EndpointsController
from kubectl_fed.sandbox.controllers.glbc import GlbcController
from kubectl_fed.sandbox.controllers.loop import ControllerLoop, Reconciler
from kubectl_fed.sandbox.controllers.nodes import DEFAULT_CAPACITY, Topology, apply_topology
from kubectl_fed.sandbox.controllers.pods import PodLifecycle
from kubectl_fed.sandbox.controllers.replicaset import ReplicaSetController
from kubectl_fed.sandbox.gce import GceState

DEFAULT_READY_DELAY = 0.2
DEFAULT_RESYNC = 5.0  # store events drive the passes; this only bounds a missed retry


@dataclass(frozen=True)
class ControllerOptions:
    """`capacity`: pods the cluster's nodes hold in total; `zones`: zone names to label the
    nodes with (default: keep the seeded `<region>-a/b/c`); `ready_delay`: seconds from
    scheduling to Ready; `resync`: seconds between full passes without any change."""

    capacity: int = DEFAULT_CAPACITY
    zones: tuple[str, ...] = ()
    ready_delay: float = DEFAULT_READY_DELAY
    resync: float = DEFAULT_RESYNC
    glbc: bool = True
    legacy_glbc: bool = False


@dataclass
class ClusterControllers:
    """The controllers of one cluster, running on one thread against its store."""

    name: str
    store: Store
    gce: GceState | None = None
    options: ControllerOptions = field(default_factory=ControllerOptions)
    reachable: Callable[[], bool] | None = None

    def __post_init__(self) -> None:
        reconcilers: list[Reconciler] = [
            DeploymentController(self.store),
            ReplicaSetController(self.store),
            PodLifecycle(self.store, self.options.ready_delay),
            EndpointsController(self.store),
        ]
        self._glbc: GlbcController | None = None
        if self.gce is not None and self.options.glbc:
            legacy = self.options.legacy_glbc
            self._glbc = GlbcController(self.store, self.name, self.gce, legacy=legacy)
            reconcilers.append(self._glbc)
            if self.reachable is not None:
                self.gce.set_reachability(self.name, self.reachable)
        self._loop = ControllerLoop(self.name, self.store, reconcilers, self.options.resync)

    def start(self) -> ClusterControllers:
        apply_topology(self.store, Topology(self.options.capacity, self.options.zones))
        self._loop.start()
        return self

    def stop(self) -> None:
        self._loop.stop()

    def pause_glbc(self, paused: bool = True) -> None:
        """Stop (or restart) this cluster's GLBC, as a stuck controller: a deleted ingress
        keeps its finalizer, a new one gets no load balancer."""
        if self._glbc is not None:
            self._glbc.paused = paused
            if not paused:
                self._loop.poke()

    def settle(self, timeout: float = 10.0) -> bool:
        """Block until the controllers have acted on everything written so far."""
        return self._loop.settle(timeout)
