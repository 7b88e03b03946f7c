"""Start a federation of simulated clusters in this process: the sandbox's Python API.

Example (docs/sandbox.md has the whole API)::

with SandboxFederation.start(clusters=3, directory=tmp_path) as sandbox:
    sandbox.kubeconfig_path          # one context per cluster, named after its region
    sandbox.membership_path          # kubectl-fed.yaml, federation "sandbox"
    cluster = sandbox.cluster("europe-west1")
    cluster.store.get("configmaps", "kube-system", "ingress-uid")
    cluster.fail("throttle"); cluster.heal()
    cluster.requests.writes()        # what was sent to it
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Generic, TypeVar, overload

from kubectl_fed.sandbox.apiserver import schemas
from kubectl_fed.sandbox.apiserver.errors import ApiError
from kubectl_fed.sandbox.apiserver.faults import DEFAULT_SLOW_SECONDS, Fault
from kubectl_fed.sandbox.apiserver.seed import DEFAULT_BACKEND, seed
from kubectl_fed.sandbox.apiserver.server import Acceptor, ApiCluster
from kubectl_fed.sandbox.apiserver.store import Store
from kubectl_fed.sandbox.apiserver.tls import SandboxCA
from kubectl_fed.sandbox.controllers.wiring import Simulation, SimulationOptions
from kubectl_fed.sandbox.files import (
    Endpoint,
    SandboxFiles,
    write_kubeconfig,
    write_membership,
)
from kubectl_fed.sandbox.regions import cluster_names

SYSTEM_PODS_WAIT = 5.0  # seconds beyond the simulation's readiness delay
T = TypeVar("T")


class _OfApi(Generic[T]):
    """A read-only attribute of a `SandboxCluster`, read from its API endpoint."""

    def __init__(self, read: Callable[[ApiCluster], T]) -> None:
        self._read = read

    @overload
    def __get__(self, cluster: None, owner: type[SandboxCluster]) -> _OfApi[T]: ...

    @overload
    def __get__(self, cluster: SandboxCluster, owner: type[SandboxCluster]) -> T: ...

    def __get__(self, cluster: SandboxCluster | None, owner: type[SandboxCluster]) -> T | _OfApi[T]:
        return self if cluster is None else self._read(cluster._api)


class SandboxCluster:
    """One simulated cluster: its name (= context = region), URL, token, store and faults."""

    url = _OfApi(lambda api: api.url)
    port = _OfApi(lambda api: api.port)
    token = _OfApi(lambda api: api.token)
    store = _OfApi(lambda api: api.store)
    requests = _OfApi(lambda api: api.requests)
    # deny rules: `cluster.access.deny("create", "ingresses")` -> 403 and a denied review
    access = _OfApi(lambda api: api.access)
    fault = _OfApi(lambda api: api.fault)

    def __init__(self, name: str, index: int, api: ApiCluster) -> None:
        self.name = name
        self.index = index
        self._api = api

    @property
    def region(self) -> str:
        return self.name

    def fail(self, mode: str, *, seconds: float = DEFAULT_SLOW_SECONDS, code: int = 503) -> None:
        """Misbehave: unreachable, slow (`seconds` per request), error (`code`), throttle,
        unauthorized or forbidden. Raises ValueError for an unknown mode."""
        self._api.fail(Fault(mode, seconds=seconds, code=code))

    def heal(self) -> None:
        self._api.heal()

    def __repr__(self) -> str:
        return f"SandboxCluster({self.name!r}, {self.url!r})"


class SandboxFederation:
    """N simulated clusters sharing one CA, with a kubeconfig and membership file on disk."""

    def __init__(
        self, directory: Path, owns_directory: bool, simulation: SimulationOptions | None = None
    ) -> None:
        self.directory = directory
        self.ca = SandboxCA()
        self.clusters: list[SandboxCluster] = []
        self._acceptor = Acceptor()
        self._owns_directory = owns_directory
        self.simulation = Simulation(simulation)  # controllers and the GCE emulator
        self._stopped = False

    @classmethod
    def start(
        cls,
        clusters: int = 3,
        directory: Path | None = None,
        latency_ms: int = 0,
        simulation: SimulationOptions | None = None,
    ) -> SandboxFederation:
        """Start `clusters` clusters on 127.0.0.1 and write DIR/kubeconfig and DIR/kubectl-fed.yaml.

        Without `directory` a temporary one is used and removed by `stop()`.
        """
        if clusters < 1:
            raise ValueError("a sandbox needs at least one cluster")
        # Field validation types every write against the client's models: read them now
        # (once per process, about a second), not in the first write's request timeout.
        schemas.models()
        owns = directory is None
        path = directory or Path(tempfile.mkdtemp(prefix="kubectl-fed-sandbox-"))
        federation = cls(path, owns, simulation)
        try:
            for index, name in enumerate(cluster_names(clusters)):
                federation._add_cluster(index, name, latency_ms)
            federation.write_files()
            federation.simulation.start()
            federation._await_system_pods()
        except BaseException:
            federation.stop()
            raise
        return federation

    def _await_system_pods(self) -> None:
        """A fresh GKE cluster's system pods (the default backend) already run: wait for
        them, so that a sandbox changes nothing by itself once started (bounded; skipped when
        the simulation makes pods Ready only after a long delay)."""
        delay = self.simulation.options.ready_delay
        if delay > SYSTEM_PODS_WAIT:
            return
        deadline = time.monotonic() + delay + SYSTEM_PODS_WAIT
        for cluster in self.clusters:
            while not _default_backend_ready(cluster.store) and time.monotonic() < deadline:
                time.sleep(0.01)
        self.simulation.settle()

    def _add_cluster(self, index: int, name: str, latency_ms: int) -> None:
        store = Store(cluster_index=index + 1)
        seed(store, name, name, index)
        api = ApiCluster(
            name,
            store,
            secrets.token_urlsafe(32),
            self.ca.server_context,
            self._acceptor,
            latency_ms=latency_ms,
        )
        self.clusters.append(SandboxCluster(name, index, api))
        self.simulation.add(name, store, lambda: getattr(api.fault, "mode", "") != "unreachable")

    @property
    def kubeconfig_path(self) -> Path:
        return SandboxFiles(self.directory).kubeconfig

    @property
    def membership_path(self) -> Path:
        return SandboxFiles(self.directory).membership

    @property
    def names(self) -> list[str]:
        return [cluster.name for cluster in self.clusters]

    @property
    def gce_endpoint(self) -> str:
        """The emulated Compute API (`client_options.api_endpoint`)."""
        return self.simulation.gce_endpoint

    @property
    def gcp_project(self) -> str:
        return self.simulation.gcp_project

    def write_files(self) -> None:
        endpoints = [Endpoint(c.name, c.url, c.token) for c in self.clusters]
        write_kubeconfig(self.kubeconfig_path, endpoints, self.ca.ca_pem)
        write_membership(self.membership_path, self.names)

    def cluster(self, name: str) -> SandboxCluster:
        for cluster in self.clusters:
            if cluster.name == name:
                return cluster
        raise KeyError(f"no sandbox cluster named {name!r}")

    def set_latency(self, latency_ms: int) -> None:
        """Delay every request of every cluster by `latency_ms` (for benchmarks)."""
        for cluster in self.clusters:
            cluster._api.latency_ms = latency_ms

    def stop(self) -> None:
        """Stop every server and wait for their threads; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self.simulation.stop()
        for cluster in self.clusters:
            cluster._api.stopping.set()
        for cluster in self.clusters:
            cluster._api.stop()
        self._acceptor.stop()
        if self._owns_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> SandboxFederation:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _default_backend_ready(store: Store) -> bool:
    namespace, name = DEFAULT_BACKEND
    try:
        subsets = store.get("endpoints", namespace, name).get("subsets") or []
    except ApiError:
        return False
    return any(subset.get("addresses") for subset in subsets)
