"""Reads a GLBC load balancer from the Compute Engine API (google-cloud-compute, REST).

Only fetches: what it reads becomes `core.loadbalancer` facts, shaped elsewhere.
Project: `--gcp-project`, else GOOGLE_CLOUD_PROJECT / CLOUDSDK_CORE_PROJECT, else the
project of a `gke_<project>_<zone>_<name>` context. Credentials: Application Default
Credentials; with KUBECTL_FED_GCE_ENDPOINT set (a Compute API emulator or proxy) the
calls go there, without credentials. google.cloud is imported only when a read starts.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from kubectl_fed.core.fanout import fan_out
from kubectl_fed.core.loadbalancer import (
    BackendService,
    Firewall,
    ForwardingRule,
    GlobalAddress,
    GroupHealth,
    InstanceHealth,
    LoadBalancerFacts,
    LoadBalancerRefs,
)
from kubectl_fed.core.results import interrupted

T = TypeVar("T")
ENDPOINT_ENV = "KUBECTL_FED_GCE_ENDPOINT"
PROJECT_ENVS = ("GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT")
READ_ONLY_SCOPE = "https://www.googleapis.com/auth/compute.readonly"
# getHealth is one call per instance group (one per member cluster and zone), so at 200
# members each backend service costs 200 calls. 32 at once makes that 7 round trips
# (8 at once made it 25). The per-project, per-minute read quota counts the calls a command
# makes, which concurrency does not change; 32 bounds the threads and sockets it opens.
HEALTH_CALLS_AT_ONCE = 32
DEFAULT_ENDPOINT = "compute.googleapis.com"


class GceUnavailable(Exception):
    """The Compute API cannot be asked at all (no credentials, unreachable)."""


def find_project(
    flag: str | None, environ: Mapping[str, str], contexts: Sequence[str]
) -> str | None:
    if flag:
        return flag
    for name in PROJECT_ENVS:
        if environ.get(name):
            return environ[name]
    for context in contexts:
        parts = context.split("_")
        if len(parts) >= 4 and parts[0] == "gke" and parts[1]:
            return parts[1]
    return None


class GceReader:
    def __init__(self, project: str, environ: Mapping[str, str], timeout: float) -> None:
        self.project = project
        self._endpoint = environ.get(ENDPOINT_ENV) or None
        self._timeout = timeout
        self._clients: dict[str, Any] = {}
        # getHealth clients not in use: one per concurrent call, as a client's HTTP session
        # pools only 10 connections and logs a warning for each one it has to drop.
        self._idle_health_clients: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._problems: list[str] = []

    def read(self, refs: LoadBalancerRefs) -> LoadBalancerFacts:
        rules = self._each("GlobalForwardingRules", "forwarding_rule", refs.forwarding_rules)
        addresses = self._each("GlobalAddresses", "address", refs.addresses)
        self._each("TargetHttpProxies", "target_http_proxy", refs.target_proxies)
        self._each("TargetHttpsProxies", "target_https_proxy", refs.https_target_proxies)
        url_maps = self._each("UrlMaps", "url_map", refs.url_maps)
        names = [*refs.backend_services, *(s for m in url_maps for s in _services_of(m))]
        services = self._each("BackendServices", "backend_service", list(dict.fromkeys(names)))
        return LoadBalancerFacts(
            project=self.project,
            forwarding_rules=tuple(
                ForwardingRule(r.name, r.I_p_address, r.port_range, r.target) for r in rules
            ),
            addresses=tuple(GlobalAddress(a.name, a.address, a.status) for a in addresses),
            url_maps=tuple(m.name for m in url_maps),
            backend_services=tuple(self._backend_service(s) for s in services),
            firewalls=self._firewalls(),
            problems=tuple(self._problems),
        )

    # -- one resource kind at a time ---------------------------------------------------

    def _each(self, client: str, field: str, names: Sequence[str]) -> list[Any]:
        get = self._client(client).get
        found = (self._call(field, name, get, **{field: name}) for name in names)
        return [got for got in found if got is not None]

    def _backend_service(self, service: Any) -> BackendService:
        checks = tuple(_last(link) for link in service.health_checks)
        for check in checks:
            self._check_health_check(check, int(service.port))
        groups = self._groups_health(service.name, [b.group for b in service.backends])
        return BackendService(service.name, int(service.port), groups, checks)

    def _groups_health(self, service: str, groups: Sequence[str]) -> tuple[GroupHealth, ...]:
        """getHealth of every instance group at once: one call per group and zone adds up."""

        def health(group: str) -> GroupHealth | GceUnavailable:
            try:
                return self._group_health(service, group)
            except GceUnavailable as err:
                return err

        workers = max(1, min(HEALTH_CALLS_AT_ONCE, len(groups)))
        found = []
        results = fan_out(groups, health, workers=workers)
        if interrupted(results):  # the fan-out caught Ctrl-C: the command must still end
            raise KeyboardInterrupt
        for result in results:
            if isinstance(result.value, GceUnavailable):
                raise result.value
            if result.error is not None:
                where = f"{service} in {_last(result.cluster)}"
                self._problems.append(f"health of backend service {where}: {result.error.message}")
            found.append(result.value or GroupHealth(result.cluster, error="health unknown"))
        return tuple(found)

    def _group_health(self, service: str, group: str) -> GroupHealth:
        from google.cloud import compute_v1

        with self._health_client() as client:
            health = self._call(
                "health of backend service",
                f"{service} in {_last(group)}",
                client.get_health,
                backend_service=service,
                resource_group_reference_resource=compute_v1.ResourceGroupReference(group=group),
            )
        if health is None:
            return GroupHealth(group, error="health unknown")
        states = (InstanceHealth(s.instance, s.health_state) for s in health.health_status)
        return GroupHealth(group, tuple(states))

    def _check_health_check(self, name: str, node_port: int) -> None:
        get = self._client("HealthChecks").get
        check = self._call("health_check", name, get, health_check=name)
        port = check.http_health_check.port if check is not None else node_port
        if port and port != node_port:
            self._problems.append(
                f"health check {name} probes port {port}, its backend serves node port {node_port}"
            )

    def _firewalls(self) -> tuple[Firewall, ...]:
        pager = self._call("firewall rules", "", self._client("Firewalls").list)
        rules = list(pager or [])
        return tuple(_firewall(rule) for rule in rules if rule.direction != "EGRESS")

    # -- plumbing ------------------------------------------------------------------------

    def _call(self, what: str, name: str, method: Callable[..., T], **fields: Any) -> T | None:
        """The method's answer; None (and a problem noted) when GCE refused the call."""
        from google.api_core import exceptions

        subject = " ".join(part for part in (what.replace("_", " "), name) if part)
        try:
            return method(project=self.project, timeout=self._timeout, retry=None, **fields)
        except exceptions.NotFound:
            self._problems.append(f"{subject}: not found")
        except (exceptions.Unauthenticated, exceptions.Forbidden) as err:
            raise GceUnavailable(f"the Compute API refused access: {_first_line(err)}") from None
        except exceptions.GoogleAPICallError as err:
            self._problems.append(f"{subject}: {_first_line(err)}")
        except exceptions.RetryError as err:
            raise GceUnavailable(f"the Compute API did not answer: {_first_line(err)}") from None
        except OSError as err:  # requests' connection errors are OSErrors
            where = self._endpoint or DEFAULT_ENDPOINT
            raise GceUnavailable(
                f"cannot reach the Compute API at {where} ({type(err).__name__})"
            ) from None
        return None

    @contextmanager
    def _health_client(self) -> Iterator[Any]:
        """A BackendServices client no other thread is using, made when all are busy."""
        try:
            client = self._idle_health_clients.get_nowait()
        except queue.Empty:
            client = self._new_client("BackendServices")
        try:
            yield client
        finally:
            self._idle_health_clients.put(client)

    def _client(self, name: str) -> Any:
        if name not in self._clients:
            self._clients[name] = self._new_client(name)
        return self._clients[name]

    def _new_client(self, name: str) -> Any:
        from google.cloud import compute_v1

        cls = getattr(compute_v1, f"{name}Client")
        if self._endpoint:
            from google.auth.credentials import AnonymousCredentials

            options = {"api_endpoint": self._endpoint}
            anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
            return cls(credentials=anonymous, client_options=options, transport="rest")
        return cls(credentials=self._credentials(), transport="rest")

    def _credentials(self) -> Any:
        if "credentials" not in self._clients:
            import google.auth
            from google.auth.exceptions import DefaultCredentialsError

            try:
                credentials, _ = google.auth.default(scopes=[READ_ONLY_SCOPE])
            except DefaultCredentialsError:
                raise GceUnavailable(
                    "no Google Cloud credentials (run `gcloud auth application-default login`)"
                ) from None
            self._clients["credentials"] = credentials
        return self._clients["credentials"]


def _firewall(rule: Any) -> Firewall:
    ports: list[str] = []
    for allowed in rule.allowed:
        if allowed.I_p_protocol in ("tcp", "all"):
            ports.extend(allowed.ports or ["all"])
    return Firewall(rule.name, tuple(rule.source_ranges), tuple(ports), bool(rule.disabled))


def _services_of(url_map: Any) -> list[str]:
    links = [url_map.default_service]
    for matcher in url_map.path_matchers:
        links.append(matcher.default_service)
        links.extend(rule.service for rule in matcher.path_rules)
    return [_last(link) for link in links if link]


def _last(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0]
