"""The `ingress-address`, `shards`, `default-backend`, `backend-type` and `readiness-probe`
checks (docs/doctor.md): one address for every federated ingress, and healthy shards
behind it."""

from __future__ import annotations

from kubectl_fed.core.doctor.facts import Facts, MemberFacts, object_label, service_selects
from kubectl_fed.core.doctor.model import Check, Status, passed
from kubectl_fed.core.doctor.objects import held
from kubectl_fed.core.ingress.nodeports import NODE_PORT_TYPES
from kubectl_fed.core.kinds import INGRESS, SERVICE
from kubectl_fed.core.model.objects import Key, KubeObject, key_of, name_of
from kubectl_fed.core.status.fold import Member, Snapshot
from kubectl_fed.core.status.ingress import IngressStatus, backend_services, ingress_status


def folded(key: Key, facts: Facts) -> IngressStatus:
    members = []
    for member in facts.answered:
        obj = member.find(INGRESS, key)
        names = backend_services(obj)
        services = {n: s for n in names if (s := member.find(SERVICE, (key[0], n))) is not None}
        endpoints = {
            name_of(e): e
            for e in member.endpoints
            if key_of(e)[0] == key[0] and name_of(e) in names
        }
        members.append(Member(member.cluster, Snapshot(obj, (), services, endpoints), None))
    return ingress_status(members)


def address(key: Key, status: IngressStatus) -> Check:
    label = object_label(INGRESS, key)
    if not status.agreed:
        text = "; ".join(f"{a} in {c}" for c, a in status.addresses)
        off = [c for c, a in status.addresses if a != status.addresses[0][1]]
        return Check(
            "ingress-address",
            Status.FAIL,
            ", ".join(off),
            label,
            f"members show different addresses ({text}): they are not one load balancer",
            "make the GLBC UIDs agree (kubectl fed doctor --fix), then recreate the odd copies: "
            f"kubectl --context={off[0]} -n {key[0]} delete ingress {key[1]} "
            "&& kubectl fed doctor --fix",
        )
    if status.pending:
        return Check(
            "ingress-address",
            Status.WARN,
            ", ".join(status.pending),
            label,
            f"no address yet in {', '.join(status.pending)}"
            + (f"; the others show {status.address}" if status.address else ""),
            f"wait for GLBC, then look at its events: kubectl --context={status.pending[0]} "
            f"-n {key[0]} describe ingress {key[1]}",
        )
    return passed("ingress-address", f"every member shows {status.address}", obj=label)


def shards(key: Key, status: IngressStatus) -> list[Check]:
    label = object_label(INGRESS, key)
    if not status.unhealthy:
        healthy = len(status.healthy)
        return [
            passed("shards", f"{healthy} healthy shard{'s' if healthy != 1 else ''}", obj=label)
        ]
    return [
        Check(
            "shards",
            Status.WARN,
            row.cluster,
            label,
            f"{row.shard.reason}: traffic will not go to {row.cluster}",
            "look at the pods behind it: "
            f"kubectl --context={row.cluster} -n {key[0]} get pods,endpoints",
        )
        for row in status.unhealthy
    ]


def default_backend(key: Key, status: IngressStatus) -> Check:
    label = object_label(INGRESS, key)
    if status.default_backend is not None:
        return passed(
            "default-backend", f"default backend {status.default_backend.text}", obj=label
        )
    return Check(
        "default-backend",
        Status.WARN,
        None,
        label,
        "no default backend: unmatched requests go to each member's default-http-backend",
        "add spec.defaultBackend to the manifest, then: kubectl fed apply -f <its manifest>",
    )


def backend_type(key: Key, facts: Facts) -> Check:
    label = object_label(INGRESS, key)
    wrong = []
    for member in facts.answered:
        for name in backend_services(member.find(INGRESS, key)):
            service = member.find(SERVICE, (key[0], name))
            kind = ((service or {}).get("spec") or {}).get("type") or "ClusterIP"
            if service is not None and kind not in NODE_PORT_TYPES:
                wrong.append((member.cluster, name, kind))
    if not wrong:
        return passed(
            "backend-type", "every backend is a NodePort or LoadBalancer service", obj=label
        )
    text = "; ".join(f"service {name} is {kind} in {cluster}" for cluster, name, kind in wrong)
    return Check(
        "backend-type",
        Status.FAIL,
        ", ".join(dict.fromkeys(c for c, _, _ in wrong)),
        label,
        f"{text}: GLBC builds no instance group for it",
        f"set spec.type: NodePort in service {wrong[0][1]}'s manifest, then: "
        "kubectl fed apply -f <its manifest>",
    )


def probe_paths(member: MemberFacts, service: KubeObject | None) -> tuple[str, ...] | None:
    """Readiness-probe HTTP paths of the pod templates this Service selects; None when it
    selects no workload in this member (a missing one is the presence check's)."""
    selector = ((service or {}).get("spec") or {}).get("selector") or {}
    if not selector:
        return ()
    paths = set()
    selected = False
    for _, workload in member.workloads(key_of(service)[0]):
        if not service_selects(service, workload):
            continue
        selected = True
        for container in _containers(workload):
            http = (container.get("readinessProbe") or {}).get("httpGet")
            if http is not None:
                paths.add(str(http.get("path") or "/"))
    return tuple(sorted(paths)) if selected else None


def _containers(workload: KubeObject) -> list[KubeObject]:
    template = (workload.get("spec") or {}).get("template") or {}
    return list((template.get("spec") or {}).get("containers") or [])


def paths_by_service(key: Key, facts: Facts) -> dict[str, dict[tuple[str, ...], list[str]]]:
    """Backend Service -> readiness-probe paths -> the members whose pods have them."""
    found: dict[str, dict[tuple[str, ...], list[str]]] = {}
    for member in facts.answered:
        for name in backend_services(member.find(INGRESS, key)):
            service = member.find(SERVICE, (key[0], name))
            paths = probe_paths(member, service) if service is not None else None
            if paths is not None:  # a missing Service or ReplicaSet is the presence check's
                found.setdefault(name, {}).setdefault(paths, []).append(member.cluster)
    return found


def readiness_probe(key: Key, facts: Facts) -> Check:
    label = object_label(INGRESS, key)
    by_service = paths_by_service(key, facts)
    odd = {name: groups for name, groups in by_service.items() if len(groups) > 1}
    if not odd:
        return passed(
            "readiness-probe", "the same readiness-probe paths in every member", obj=label
        )
    name, groups = next(iter(odd.items()))
    text = "; ".join(f"{', '.join(p) or 'none'} in {', '.join(cs)}" for p, cs in groups.items())
    common = max(groups, key=lambda paths: len(groups[paths]))
    off = [c for paths, cs in groups.items() if paths != common for c in cs]
    return Check(
        "readiness-probe",
        Status.WARN,
        ", ".join(off),
        label,
        f"pods behind service {name} have different readiness-probe paths ({text}): "
        "GLBC gives each member a different health check",
        "give the ReplicaSet one readinessProbe, then: kubectl fed apply -f <its manifest>",
    )


def ingress_checks(facts: Facts) -> list[Check]:
    checks: list[Check] = []
    for key in facts.target.ingresses:
        if not held(INGRESS, key, facts):
            continue
        status = folded(key, facts)
        checks.append(address(key, status))
        checks += shards(key, status)
        checks += [
            default_backend(key, status),
            backend_type(key, facts),
            readiness_probe(key, facts),
        ]
    return checks
