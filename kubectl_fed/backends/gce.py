"""Reads a GLBC load balancer from the Compute Engine API (`gce_rest`, JSON over urllib3).

Only fetches: what it reads becomes `core.loadbalancer` facts, shaped elsewhere.
Project: `--gcp-project`, else GOOGLE_CLOUD_PROJECT / CLOUDSDK_CORE_PROJECT, else the
project of a `gke_<project>_<zone>_<name>` context. docs/gce.md lists the calls and the
IAM permissions they need.

Each resource is read once per reader, on a background thread: `start(refs)` begins the
reads while the caller reads its members, `read(refs)` waits for them (and reads what
`start` was not told about), so the two overlap.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from kubectl_fed.backends.gce_rest import (
    ENDPOINT_ENV,
    CallFailed,
    ComputeApi,
    Document,
    GceUnavailable,
    NotFound,
)
from kubectl_fed.core.ingress.loadbalancer import (
    BackendService,
    Firewall,
    ForwardingRule,
    GlobalAddress,
    GroupHealth,
    InstanceHealth,
    LoadBalancerFacts,
    LoadBalancerRefs,
)
from kubectl_fed.core.members.fanout import Background, fan_out
from kubectl_fed.core.members.results import interrupted

__all__ = ["ENDPOINT_ENV", "NO_PROJECT", "GceReader", "GceUnavailable", "find_project", "reader"]

T = TypeVar("T")
PROJECT_ENVS = ("GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT")
NO_PROJECT = (
    "no Google Cloud project "
    "(use --gcp-project, set GOOGLE_CLOUD_PROJECT, or name contexts gke_<project>_<zone>_<name>)"
)
# getHealth is one call per instance group (one per member cluster and zone), so at 200
# members each backend service costs 200 calls. 32 at once makes that 7 round trips
# (8 at once made it 25). The per-project, per-minute read quota counts the calls a command
# makes, which concurrency does not change; 32 bounds the threads and sockets it opens.
HEALTH_CALLS_AT_ONCE = 32
# What a problem line calls each collection's resources.
SUBJECTS = {
    "forwardingRules": "forwarding rule",
    "addresses": "address",
    "targetHttpProxies": "target http proxy",
    "targetHttpsProxies": "target https proxy",
    "urlMaps": "url map",
    "backendServices": "backend service",
    "healthChecks": "health check",
}

# A read's document, or None and the problem line saying why not.
Outcome = tuple[Document | None, str | None]


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


def reader(flag: str | None, contexts: Sequence[str], timeout: float) -> GceReader:
    """The reader describe and doctor use; GceUnavailable(NO_PROJECT) without a project."""
    project = find_project(flag, os.environ, contexts)
    if project is None:
        raise GceUnavailable(NO_PROJECT)
    return GceReader(project, os.environ, timeout)


class GceReader:
    def __init__(self, project: str, environ: Mapping[str, str], timeout: float) -> None:
        self.project = project
        self.api = ComputeApi(project, environ, timeout, pool=HEALTH_CALLS_AT_ONCE)
        self._reads: dict[tuple[str, ...], Background[Any]] = {}
        self._lock = threading.Lock()

    def start(self, refs: LoadBalancerRefs) -> None:
        """Begin reading what `refs` names, in the background; never raises."""
        self._once(("start", repr(refs)), lambda: self.read(refs))

    def read(self, refs: LoadBalancerRefs) -> LoadBalancerFacts:
        firewalls = self._once(("firewalls",), self._firewalls)
        found = {
            "forwardingRules": self._start_each("forwardingRules", refs.forwarding_rules),
            "addresses": self._start_each("addresses", refs.addresses),
            "targetHttpProxies": self._start_each("targetHttpProxies", refs.target_proxies),
            "targetHttpsProxies": self._start_each("targetHttpsProxies", refs.https_target_proxies),
            "urlMaps": self._start_each("urlMaps", refs.url_maps),
        }
        outcomes = {kind: [read.result() for read in reads] for kind, reads in found.items()}
        url_maps = _documents(outcomes["urlMaps"])
        names = [*refs.backend_services, *(s for m in url_maps for s in _services_of(m))]
        services = [r.result() for r in self._start_each("backendServices", _unique(names))]
        started = [self._backend_service(s) for s in _documents(services)]
        shaped = [finish() for finish in started]
        rules, rules_problems = firewalls.result()
        problems = [p for reads in [*outcomes.values(), services] for _, p in reads if p]
        problems += [p for _, service_problems in shaped for p in service_problems]
        return LoadBalancerFacts(
            project=self.project,
            forwarding_rules=tuple(
                _forwarding_rule(r) for r in _documents(outcomes["forwardingRules"])
            ),
            addresses=tuple(_address(a) for a in _documents(outcomes["addresses"])),
            url_maps=tuple(str(m.get("name", "")) for m in url_maps),
            backend_services=tuple(service for service, _ in shaped),
            firewalls=rules,
            problems=tuple(problems + rules_problems),
        )

    # -- one resource kind at a time ---------------------------------------------------

    def _start_each(self, collection: str, names: Sequence[str]) -> list[Background[Outcome]]:
        def get(name: str) -> Callable[[], Outcome]:
            return lambda: self._outcome(
                f"{SUBJECTS[collection]} {name}", lambda: self.api.get(collection, name)
            )

        return [self._once((collection, name), get(name)) for name in names]

    def _backend_service(self, service: Document) -> Callable[[], tuple[BackendService, list[str]]]:
        """Start reading a backend service's health checks and health; what waits for them."""
        name, port = str(service.get("name", "")), int(service.get("port") or 0)
        checks = tuple(_last(str(link)) for link in service.get("healthChecks") or [])
        reads = self._start_each("healthChecks", checks)
        groups = [str(b.get("group", "")) for b in service.get("backends") or []]
        health = self._once(("health", name, *groups), lambda: self._health(name, groups))

        def finish() -> tuple[BackendService, list[str]]:
            problems = [
                problem
                for check, read in zip(checks, reads, strict=True)
                for problem in _port_problems(check, read.result(), port)
            ]
            groups_health, health_problems = health.result()
            return BackendService(name, port, groups_health, checks), problems + health_problems

        return finish

    def _health(
        self, service: str, groups: Sequence[str]
    ) -> tuple[tuple[GroupHealth, ...], list[str]]:
        """getHealth of every instance group at once: one call per group and zone adds up."""

        def health(group: str) -> GroupHealth | GceUnavailable:
            try:
                return _group_health(group, self.api.get_health(service, group))
            except GceUnavailable as err:
                return err
            except (NotFound, CallFailed) as err:
                return GroupHealth(group, error=_problem(err))

        workers = max(1, min(HEALTH_CALLS_AT_ONCE, len(groups)))
        results = fan_out(groups, health, workers=workers)
        if interrupted(results):  # the fan-out caught Ctrl-C: the command must still end
            raise KeyboardInterrupt
        found, problems = [], []
        for result in results:
            if isinstance(result.value, GceUnavailable):
                raise result.value
            value = result.value or GroupHealth(result.cluster, error=_error(result.error))
            if value.error:
                where = f"{service} in {_last(result.cluster)}"
                problems.append(f"health of backend service {where}: {value.error}")
                value = GroupHealth(result.cluster, error="health unknown")
            found.append(value)
        return tuple(found), problems

    def _firewalls(self) -> tuple[tuple[Firewall, ...], list[str]]:
        rules, problem = self._outcome("firewall rules", lambda: list(self.api.list("firewalls")))
        found = tuple(_firewall(rule) for rule in rules or [] if rule.get("direction") != "EGRESS")
        return found, [problem] if problem else []

    # -- plumbing ------------------------------------------------------------------------

    def _outcome(self, subject: str, call: Callable[[], T]) -> tuple[T | None, str | None]:
        """The call's document; None and a problem line when GCE refused this one call."""
        try:
            return call(), None
        except (NotFound, CallFailed) as err:
            return None, f"{subject}: {_problem(err)}"

    def _once(self, key: tuple[str, ...], call: Callable[[], Any]) -> Background[Any]:
        with self._lock:
            if key not in self._reads:
                self._reads[key] = Background(call)
            return self._reads[key]


def _problem(err: Exception) -> str:
    return "not found" if isinstance(err, NotFound) else str(err)


def _error(error: Any) -> str:
    return str(getattr(error, "message", "")) or "health unknown"


def _documents(outcomes: Sequence[Outcome]) -> list[Document]:
    return [document for document, _ in outcomes if document is not None]


def _unique(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _port_problems(name: str, outcome: Outcome, node_port: int) -> list[str]:
    check, problem = outcome
    if problem:
        return [problem]
    port = int(((check or {}).get("httpHealthCheck") or {}).get("port") or node_port)
    if port and port != node_port:
        return [f"health check {name} probes port {port}, its backend serves node port {node_port}"]
    return []


def _group_health(group: str, answer: Document) -> GroupHealth:
    states = answer.get("healthStatus") or []
    return GroupHealth(
        group,
        tuple(
            InstanceHealth(str(s.get("instance", "")), str(s.get("healthState", "")))
            for s in states
        ),
    )


def _forwarding_rule(rule: Document) -> ForwardingRule:
    return ForwardingRule(
        str(rule.get("name", "")),
        str(rule.get("IPAddress", "")),
        str(rule.get("portRange", "")),
        str(rule.get("target", "")),
    )


def _address(address: Document) -> GlobalAddress:
    return GlobalAddress(
        str(address.get("name", "")),
        str(address.get("address", "")),
        str(address.get("status", "")),
    )


def _firewall(rule: Document) -> Firewall:
    ports: list[str] = []
    for allowed in rule.get("allowed") or []:
        if allowed.get("IPProtocol") in ("tcp", "all"):
            ports.extend(str(p) for p in allowed.get("ports") or ["all"])
    return Firewall(
        str(rule.get("name", "")),
        tuple(str(r) for r in rule.get("sourceRanges") or []),
        tuple(ports),
        bool(rule.get("disabled")),
    )


def _services_of(url_map: Document) -> list[str]:
    links = [url_map.get("defaultService")]
    for matcher in url_map.get("pathMatchers") or []:
        links.append(matcher.get("defaultService"))
        links.extend(rule.get("service") for rule in matcher.get("pathRules") or [])
    return [_last(str(link)) for link in links if link]


def _last(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]
