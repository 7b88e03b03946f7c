"""The emulated GCE project: load balancers of every sandbox cluster, one address pool.

GLBC controllers call `sync_load_balancer` / `release_load_balancer`; the REST server
reads through `list_resources` / `get_resource` / `aggregated` / `group_health` / `group_instances`.
Everything is derived from the current load balancer specs under one lock, so the
view is always consistent with what the controllers asked for. The derived inventory is
kept until a spec, an address or an edit changes: GLBCs resync unchanged specs all the
time, and readers (one getHealth per instance group) must not pay for a rebuild each.
"""

from __future__ import annotations

import ipaddress
import itertools
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from kubectl_fed.sandbox.gce import names
from kubectl_fed.sandbox.gce.model import (
    HEALTHY,
    UNHEALTHY,
    AddressInUseError,
    Instance,
    LoadBalancerSpec,
    LoadBalancerStatus,
)
from kubectl_fed.sandbox.gce.resources import GLOBAL, KINDS, Body, Inventory, Links, derive

DEFAULT_PROJECT = "kubectl-fed-sandbox"
# Documentation ranges (RFC 5737): never routable, so nothing real is ever addressed.
DEFAULT_POOLS = ("203.0.113.0/24", "198.51.100.0/24")
INTERNAL_FIELDS = ("instances",)

Reachability = Callable[[], bool]


class GceState:
    def __init__(self, project: str = DEFAULT_PROJECT, pools: tuple[str, ...] = DEFAULT_POOLS):
        self.project = project
        self.links = Links(project)
        self._pools = pools
        self._lock = threading.Lock()
        self._specs: dict[tuple[str, str, str], LoadBalancerSpec] = {}
        self._addresses: dict[str, str] = {}  # address name -> IP
        self._identity: dict[tuple[str, str, str], tuple[int, str]] = {}
        self._reachable: dict[str, Reachability] = {}
        self._edits: dict[tuple[str, str, str], Body | None] = {}  # (collection, scope, name)
        self._ids = itertools.count(1_000_000_000_000_000_001, 7919)
        self._built: Inventory | None = None  # None: derive again on the next read

    # --- the controllers' side -------------------------------------------------------

    def set_reachability(self, cluster: str, probe: Reachability) -> None:
        """Health checks reach a cluster's nodes only while `probe()` is true."""
        with self._lock:
            self._reachable[cluster] = probe

    def sync_load_balancer(self, spec: LoadBalancerSpec) -> LoadBalancerStatus:
        with self._lock:
            self._check_address_free(spec)
            if self._specs.get(spec.key) != spec:
                self._specs[spec.key] = spec
                self._built = None
            ip = self._addresses.get(spec.address_name) or self._allocate(spec.address_name)
            return _status(spec, ip)

    def release_load_balancer(self, cluster: str, namespace: str, name: str) -> None:
        with self._lock:
            released = self._specs.pop((cluster, namespace, name), None)
            used = {spec.address_name for spec in self._specs.values()}
            unused = set(self._addresses) - used
            for address in unused:
                del self._addresses[address]
            if released is not None or unused:
                self._built = None

    def release_cluster(self, cluster: str) -> None:
        for key in [key for key in self.specs() if key[0] == cluster]:
            self.release_load_balancer(*key)

    def specs(self) -> dict[tuple[str, str, str], LoadBalancerSpec]:
        with self._lock:
            return dict(self._specs)

    # --- changes made behind GLBC's back (fault injection) ----------------------------

    def edit_resource(
        self, collection: str, name: str, fields: Body | None, scope: str = GLOBAL
    ) -> None:
        """Change one resource as someone in the console would: `fields` replace its
        top-level fields (None deletes it) until `undo_edits`; GLBC does not put it back."""
        with self._lock:
            self._edits[(collection, scope, name)] = fields
            self._built = None

    def undo_edits(self) -> None:
        with self._lock:
            if self._edits:
                self._edits.clear()
                self._built = None

    # --- the REST server's side ------------------------------------------------------

    def list_resources(self, collection: str, scope: str = GLOBAL) -> list[Body]:
        with self._lock:
            table = self._inventory().tables.get((collection, scope), {})
            return [self._render(collection, scope, body) for _, body in sorted(table.items())]

    def get_resource(self, collection: str, name: str, scope: str = GLOBAL) -> Body | None:
        with self._lock:
            body = self._inventory().tables.get((collection, scope), {}).get(name)
            return None if body is None else self._render(collection, scope, body)

    def has_resource(self, collection: str, name: str, scope: str = GLOBAL) -> bool:
        with self._lock:
            return name in self._inventory().tables.get((collection, scope), {})

    def aggregated(self, collection: str) -> dict[str, list[Body]]:
        with self._lock:
            tables = self._inventory().tables
            return {
                _scope_key(scope): [self._render(coll, scope, b) for _, b in sorted(t.items())]
                for (coll, scope), t in sorted(tables.items())
                if coll == collection and t
            }

    def group_instances(self, zone: str, name: str) -> list[str] | None:
        with self._lock:
            group = self._inventory().tables.get(("instanceGroups", zone), {}).get(name)
            return None if group is None else list(group["instances"])

    def group_health(self, backend_service: str, group_link: str) -> list[Body] | None:
        """Per-instance health of one instance group behind one backend service, as GCP
        probes it: healthy when the cluster is reachable and the node port has ready
        endpoints. None when the group is not a backend of that service."""
        with self._lock:
            service = self._inventory().tables.get(("backendServices", GLOBAL), {})
            body = service.get(backend_service)
            groups = [b["group"] for b in (body or {}).get("backends", [])]
            match = next((g for g in groups if _same_resource(g, group_link)), None)
            if body is None or match is None:
                return None
            return list(self._instance_health(match, int(body["port"])))

    # --- internals -------------------------------------------------------------------

    def _check_address_free(self, spec: LoadBalancerSpec) -> None:
        for other in self._specs.values():
            if other.key == spec.key or other.address_name != spec.address_name:
                continue
            if other.forwarding_rule != spec.forwarding_rule:
                ip = self._addresses.get(spec.address_name, "")
                raise AddressInUseError(
                    f"IP address {ip} ({spec.address_name}) is already in use by "
                    f"forwarding rule {other.forwarding_rule}"
                )

    def _allocate(self, address_name: str) -> str:
        taken = set(self._addresses.values())
        for pool in self._pools:
            for host in ipaddress.ip_network(pool).hosts():
                if str(host) not in taken:
                    self._addresses[address_name] = str(host)
                    self._built = None
                    return str(host)
        raise AddressInUseError("the sandbox address pool is exhausted")

    def _inventory(self) -> Inventory:
        """The derived resources, shared between reads: callers copy what they hand out."""
        if self._built is None:
            inventory = derive(self._specs.values(), self._addresses, self.links)
            self._apply_edits(inventory)
            live = {(c, s, n) for (c, s), table in inventory.tables.items() for n in table}
            for key in set(self._identity) - live:
                del self._identity[key]
            self._built = inventory
        return self._built

    def _apply_edits(self, inventory: Inventory) -> None:
        for (collection, scope, name), fields in self._edits.items():
            table = inventory.tables.get((collection, scope), {})
            if name in table and fields is None:
                del table[name]
            elif name in table and fields is not None:
                table[name] = {**table[name], **fields}

    def _render(self, collection: str, scope: str, body: Body) -> Body:
        name = body["name"]
        key = (collection, scope, name)
        if key not in self._identity:
            self._identity[key] = (next(self._ids), _now())
        ident, created = self._identity[key]
        rendered: dict[str, Any] = {
            "kind": f"compute#{KINDS[collection]}",
            "id": str(ident),
            "creationTimestamp": created,
            "selfLink": self.links.of(collection, name, scope),
        }
        # Copies: the inventory outlives this answer, and callers may change theirs.
        rendered.update({k: _copied(v) for k, v in body.items() if k not in INTERNAL_FIELDS})
        return rendered

    def _instance_health(self, group_link: str, port: int) -> Iterator[Body]:
        zone, group = _zone_and_name(group_link)
        ready: dict[str, bool] = {}
        members: dict[Instance, str] = {}
        for spec in self._specs.values():
            if names.instance_group(spec.uid) != group:
                continue
            ready[spec.cluster] = ready.get(spec.cluster, False) or port in spec.ready_ports
            for instance in spec.instances:
                if instance.zone == zone:
                    members.setdefault(instance, spec.cluster)
        for instance, cluster in members.items():
            healthy = self._reachable.get(cluster, _always)() and ready[cluster]
            yield {
                "instance": self.links.instance(instance),
                "ipAddress": instance.ip,
                "port": port,
                "healthState": HEALTHY if healthy else UNHEALTHY,
            }


def _copied(value: Any) -> Any:
    """A copy of a JSON value (faster than copy.deepcopy, which a getHealth paid per group)."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


def _always() -> bool:
    return True


def _status(spec: LoadBalancerSpec, ip: str) -> LoadBalancerStatus:
    lb = spec.lb_name
    https = bool(spec.tls_secrets)
    return LoadBalancerStatus(
        ip=ip,
        static_ip=spec.address_name,
        forwarding_rule=names.forwarding_rule(lb),
        target_proxy=names.target_proxy(lb),
        url_map=names.url_map(lb),
        backends=tuple(names.backend_service(b.node_port, spec.uid) for b in spec.backends),
        https_forwarding_rule=names.forwarding_rule(lb, True) if https else "",
        https_target_proxy=names.target_proxy(lb, True) if https else "",
        ssl_certificates=tuple(
            names.ssl_certificate(lb, f"{spec.namespace}/{s}", spec.uid) for s in spec.tls_secrets
        ),
    )


def _scope_key(scope: str) -> str:
    return GLOBAL if scope == GLOBAL else f"zones/{scope}"


def _zone_and_name(link: str) -> tuple[str, str]:
    parts = link.rstrip("/").split("/")
    zone = parts[parts.index("zones") + 1] if "zones" in parts else ""
    return zone, parts[-1]


def _same_resource(link: str, other: str) -> bool:
    """Links compare by their `zones/<zone>/instanceGroups/<name>` tail, whatever the host."""
    return _zone_and_name(link) == _zone_and_name(other)


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="milliseconds")
