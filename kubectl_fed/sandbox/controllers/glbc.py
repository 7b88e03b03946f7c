"""A simulated GCE ingress controller (GLBC) for one sandbox cluster.

For every ingress of class gce (or no class) it builds a load balancer in the emulated
GCE project, named after the cluster's `kube-system/ingress-uid`, then writes back what
the real controller writes: `status.loadBalancer`, the `ingress.kubernetes.io/*`
annotations and its events (ADD, CREATE ip: ..., Translate warnings). Like GKE's, it holds
every such ingress it has built a load balancer for with the finalizer
`networking.gke.io/ingress-finalizer-V2` (written with its first annotations), which it
removes once a deleted ingress's load balancer is released.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from kubectl_fed.sandbox.apiserver.deletion import is_terminating
from kubectl_fed.sandbox.apiserver.errors import ApiError
from kubectl_fed.sandbox.apiserver.seed import DEFAULT_BACKEND
from kubectl_fed.sandbox.apiserver.store import Store
from kubectl_fed.sandbox.controllers import nodes as topo
from kubectl_fed.sandbox.controllers.events import NORMAL, WARNING, EventRecorder
from kubectl_fed.sandbox.controllers.ingress_spec import (
    Translation,
    TranslationError,
    default_backend,
    is_gce_ingress,
    translate,
)
from kubectl_fed.sandbox.gce import (
    AddressInUseError,
    Backend,
    GceState,
    Instance,
    LoadBalancerSpec,
    LoadBalancerStatus,
)
from kubectl_fed.sandbox.gce import names as gce_names

JSON = dict[str, Any]
COMPONENT = "loadbalancer-controller"
UID_CONFIGMAP = ("kube-system", "ingress-uid")
PREFIX = "ingress.kubernetes.io/"
KEYS = (
    "backends",
    "forwarding-rule",
    "https-forwarding-rule",
    "target-proxy",
    "https-target-proxy",
    "url-map",
    "static-ip",
    "ssl-cert",
)
HEALTHY, UNHEALTHY, UNKNOWN = "HEALTHY", "UNHEALTHY", "Unknown"
# what GKE's ingress controller holds every Ingress with until its load balancer is removed
FINALIZER = "networking.gke.io/ingress-finalizer-V2"
# GKE's controller takes seconds to act on a new Ingress; the sandbox's waits a tenth, so a
# client's write right after its create is not raced by the controller's first one.
FIRST_SYNC_DELAY = 0.1


class GlbcController:
    resources = frozenset({"ingresses", "services", "endpoints", "configmaps", "nodes"})

    def __init__(self, store: Store, cluster: str, gce: GceState, *, legacy: bool = False) -> None:
        self._legacy = legacy
        self._store = store
        self._cluster = cluster
        self._gce = gce
        self._events = EventRecorder(store, COMPONENT)
        self._added: set[str] = set()
        self._warned: dict[str, str] = {}
        self._seen: dict[str, float] = {}  # ingress uid -> when this controller first saw it
        self.paused = False  # a test hook: a stuck controller (finalizers stay, nothing syncs)

    def reconcile(self) -> float | None:
        if self.paused:
            return None
        listed = self._store.list("ingresses")
        ingresses = [i for i in listed if is_gce_ingress(i) and not is_terminating(i)]
        live = {(i["metadata"]["namespace"], i["metadata"]["name"]) for i in ingresses}
        ready, due = self._noticed(ingresses)
        if ready:  # else the cluster's Services and Endpoints need no reading
            context = self._context()
            for ingress in ready:
                with contextlib.suppress(ApiError):  # changed meanwhile: next pass retries
                    self._sync(ingress, context)
        for cluster, namespace, name in self._gce.specs():
            if cluster == self._cluster and (namespace, name) not in live:
                self._gce.release_load_balancer(cluster, namespace, name)
        for ingress in listed:  # deleted or left the class: its load balancer is gone
            finalizers = ingress["metadata"].get("finalizers") or []
            key = (ingress["metadata"]["namespace"], ingress["metadata"]["name"])
            if FINALIZER in finalizers and key not in live:
                with contextlib.suppress(ApiError):
                    self._set_finalizers(ingress, [f for f in finalizers if f != FINALIZER])
        return due

    def _noticed(self, ingresses: list[JSON]) -> tuple[list[JSON], float | None]:
        """The ingresses seen for at least FIRST_SYNC_DELAY, and when the next one is."""
        now = time.monotonic()
        uids = {i["metadata"]["uid"] for i in ingresses}
        self._seen = {uid: at for uid, at in self._seen.items() if uid in uids}
        ready, due = [], None
        for ingress in ingresses:
            wait = self._seen.setdefault(ingress["metadata"]["uid"], now) + FIRST_SYNC_DELAY - now
            if wait <= 0:
                ready.append(ingress)
            else:
                due = wait if due is None else min(due, wait)
        return ready, due

    def _set_finalizers(self, ingress: JSON, finalizers: list[str]) -> None:
        meta = ingress["metadata"]
        patch = {"metadata": {"finalizers": finalizers or None}}
        self._store.patch("ingresses", meta["namespace"], meta["name"], patch)

    def _context(self) -> _Context:
        uid, firewall_uid = self._glbc_uid()
        return _Context(
            uid=uid,
            firewall_uid=firewall_uid,
            instances=self._instances(),
            services=_by_namespace(self._store.list("services", copies=False)),
            endpoints=_by_namespace(self._store.list("endpoints", copies=False)),
        )

    def _glbc_uid(self) -> tuple[str, str]:
        try:
            data = self._store.get("configmaps", *UID_CONFIGMAP).get("data") or {}
        except ApiError:
            return "", ""
        uid = str(data.get("uid", ""))
        return uid, str(data.get("provider-uid") or uid)

    def _instances(self) -> tuple[Instance, ...]:
        return tuple(
            Instance(n["metadata"]["name"], topo.zone_of(n), topo.internal_ip(n))
            for n in self._store.list("nodes")
            if topo.is_ready(n) and topo.zone_of(n)
        )

    def _sync(self, ingress: JSON, context: _Context) -> None:
        meta = ingress["metadata"]
        if meta["uid"] not in self._added:
            self._added.add(meta["uid"])
            self._events.record(ingress, NORMAL, "ADD", f"{meta['namespace']}/{meta['name']}")
        try:
            services = context.services.get(meta["namespace"], {})
            translation = translate(
                ingress, services, context.default_backend, missing_to_default=self._legacy
            )
        except TranslationError as err:
            self._warn(ingress, "Translate", f"Translation failed: invalid ingress spec: {err}")
            return
        health = context.health(translation)
        spec = self._spec(ingress, translation, context, health)
        try:
            status = self._gce.sync_load_balancer(spec)
        except AddressInUseError as err:
            message = f"Error syncing to GCP: error running load balancer syncing routine: {err}"
            self._warn(ingress, "Sync", message)
            return
        self._warned.pop(meta["uid"], None)
        backends = {gce_names.backend_service(p, spec.uid): s for p, s in health.items()}
        self._write_annotations(ingress, status, backends)
        self._write_status(ingress, status.ip)

    def _spec(
        self, ingress: JSON, translation: Translation, context: _Context, health: dict[int, str]
    ) -> LoadBalancerSpec:
        return LoadBalancerSpec(
            cluster=self._cluster,
            namespace=ingress["metadata"]["namespace"],
            name=ingress["metadata"]["name"],
            uid=context.uid,
            firewall_uid=context.firewall_uid,
            backends=translation.backends,
            routes=translation.routes,
            tls_secrets=translation.tls_secrets,
            static_ip_name=translation.static_ip_name,
            instances=context.instances,
            ready_ports=frozenset(p for p, state in health.items() if state == HEALTHY),
        )

    def _warn(self, ingress: JSON, reason: str, message: str) -> None:
        uid = ingress["metadata"]["uid"]
        if self._warned.get(uid) != message:
            self._warned[uid] = message
            self._events.record(ingress, WARNING, reason, message)

    def _write_annotations(
        self, ingress: JSON, status: LoadBalancerStatus, backends: dict[str, str]
    ) -> None:
        wanted = {
            "backends": json.dumps(backends, separators=(",", ":"), sort_keys=True),
            "forwarding-rule": status.forwarding_rule,
            "https-forwarding-rule": status.https_forwarding_rule,
            "target-proxy": status.target_proxy,
            "https-target-proxy": status.https_target_proxy,
            "url-map": status.url_map,
            "static-ip": status.static_ip,
            "ssl-cert": ",".join(status.ssl_certificates),
        }
        current = ingress["metadata"].get("annotations") or {}
        patch = {
            PREFIX + key: wanted[key] or None
            for key in KEYS
            if current.get(PREFIX + key) != (wanted[key] or None)
        }
        meta = ingress["metadata"]
        changes: JSON = {"annotations": patch} if patch else {}
        finalizers = meta.get("finalizers") or []
        if FINALIZER not in finalizers:  # the load balancer it guards now exists
            changes["finalizers"] = [*finalizers, FINALIZER]
        if changes:
            self._store.patch("ingresses", meta["namespace"], meta["name"], {"metadata": changes})

    def _write_status(self, ingress: JSON, ip: str) -> None:
        meta = ingress["metadata"]
        wanted = {"loadBalancer": {"ingress": [{"ip": ip}]}}
        if (ingress.get("status") or {}) == wanted:
            return
        self._store.update(
            "ingresses", meta["namespace"], meta["name"], {"status": wanted}, "status"
        )
        self._events.record(ingress, NORMAL, "CREATE", f"ip: {ip}")


@dataclass(frozen=True)
class _Context:
    """The cluster state one reconcile pass works from."""

    uid: str
    firewall_uid: str
    instances: tuple[Instance, ...]
    services: dict[str, dict[str, JSON]]
    endpoints: dict[str, dict[str, JSON]]

    @property
    def default_backend(self) -> Backend | None:
        return default_backend(self.services.get(DEFAULT_BACKEND[0], {}))

    def health(self, translation: Translation) -> dict[int, str]:
        """Per node port: HEALTHY with a ready endpoint, UNHEALTHY with only unready
        ones, Unknown while the Service has no pods at all (as in the guide's example)."""
        result = {}
        for backend in translation.backends:
            namespace, service = backend.service.split("/", 1)
            subsets = (self.endpoints.get(namespace, {}).get(service) or {}).get("subsets") or []
            if any(s.get("addresses") for s in subsets):
                result[backend.node_port] = HEALTHY
            elif any(s.get("notReadyAddresses") for s in subsets):
                result[backend.node_port] = UNHEALTHY
            else:
                result[backend.node_port] = UNKNOWN
        return result


def _by_namespace(objects: list[JSON]) -> dict[str, dict[str, JSON]]:
    grouped: dict[str, dict[str, JSON]] = defaultdict(dict)
    for obj in objects:
        grouped[obj["metadata"]["namespace"]][obj["metadata"]["name"]] = obj
    return grouped
