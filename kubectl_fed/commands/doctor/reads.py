"""What `doctor` reads: the members (contexts checked one by one, so a broken one is a
failing check, not a usage error), their facts in parallel, and the GCE load balancers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kubectl_fed.app import App
from kubectl_fed.core.doctor.connectivity import KUBECONFIG_PREFIX
from kubectl_fed.core.doctor.facts import Facts, MemberFacts, choose_target
from kubectl_fed.core.doctor.gce import gce_checks, not_inspected
from kubectl_fed.core.doctor.gce_firewall import glbc_firewall_rule
from kubectl_fed.core.doctor.ingress import folded
from kubectl_fed.core.doctor.model import Check
from kubectl_fed.core.ingress.loadbalancer import LoadBalancerRefs, refs_of
from kubectl_fed.core.kinds import INGRESS
from kubectl_fed.core.members.results import ClusterError, Reason, interrupted
from kubectl_fed.core.model.objects import Key, ObjectView

if TYPE_CHECKING:
    from kubectl_fed.backends.gce import GceReader

NOT_INSPECTED = "Google Cloud not inspected: "
NO_LOAD_BALANCER = f"{NOT_INSPECTED}no member's ingress names a forwarding rule yet"


def members(app: App) -> tuple[list[str], dict[str, str]]:
    """The selected members, and why each broken context is broken."""
    selected, broken = app.members_and_broken
    return selected, {cluster: f"{KUBECONFIG_PREFIX}{why}" for cluster, why in broken.items()}


def gce_reader(app: App, project_flag: str | None) -> GceReader | str:
    """One reader for a round of checks, or why Google Cloud is not inspected."""
    found = app.gce_reader(project_flag, app.members_and_broken[0])
    return f"{NOT_INSPECTED}{found}" if isinstance(found, str) else found


def gather(app: App, names: Sequence[str], gce: GceReader | str) -> Facts:
    """The members' facts; the load balancers their ingresses name start to be read from
    GCE as soon as a member lists them, while the other members are read."""
    from kubectl_fed.backends.facts import CALLS, gather_member

    selected, broken = members(app)
    reachable = [c for c in selected if c not in broken]
    namespace = app.namespace_after(reachable)
    on_ingresses = _start_reading(gce, namespace, names)
    results = app.fan_out(
        lambda c: gather_member(app.backend(c), namespace, app.server(c), on_ingresses),
        clusters=reachable,
        calls=CALLS,
    )
    if interrupted(results):
        raise KeyboardInterrupt  # reported as "interrupted", exit 130
    by_cluster = {r.cluster: r for r in results}
    facts = []
    for cluster in selected:
        if cluster in broken:
            facts.append(MemberFacts(cluster, error=ClusterError(Reason.INVALID, broken[cluster])))
            continue
        result = by_cluster[cluster]
        if result.value is not None:
            facts.append(result.value)
        else:
            facts.append(MemberFacts(cluster, app.server(cluster), error=result.error))
    found = tuple(facts)
    return Facts(found, namespace, choose_target(found, namespace, names), tuple(names))


def _start_reading(
    gce: GceReader | str, namespace: str | None, names: Sequence[str]
) -> Callable[[tuple[dict[str, Any], ...]], None] | None:
    if isinstance(gce, str):
        return None
    reader = gce

    def wanted(obj: dict[str, Any]) -> bool:
        view = ObjectView(obj)
        if namespace is not None and view.namespace != namespace:
            return False
        return view.name in names if names else view.is_federated

    def found(ingresses: tuple[dict[str, Any], ...]) -> None:
        for obj in ingresses:
            if wanted(obj) and (refs := refs_of([obj])):
                reader.start(refs)

    return found


def load_balancer_checks(facts: Facts, gce: GceReader | str) -> list[Check]:
    checks: list[Check] = []
    for key in facts.target.ingresses:
        label = f"ingress {key[0]}/{key[1]}"
        holders = [m for m in facts.answered if m.find(INGRESS, key) is not None]
        if not holders:
            continue  # the presence check says so
        refs = refs_of([obj for m in holders if (obj := m.find(INGRESS, key)) is not None])
        if not refs:
            checks += not_inspected(label, NO_LOAD_BALANCER)
            continue
        checks += _inspect(facts, key, label, refs, gce, [m.cluster for m in holders])
    return checks


def _inspect(
    facts: Facts,
    key: Key,
    label: str,
    refs: LoadBalancerRefs,
    gce: GceReader | str,
    holders: list[str],
) -> list[Check]:
    from kubectl_fed.core.ingress.loadbalancer import default_backend_ports, load_balancer_view

    if isinstance(gce, str):
        return not_inspected(label, gce)
    lb = App.read_load_balancer(gce, refs)
    if isinstance(lb, str):
        return not_inspected(label, f"{NOT_INSPECTED}{lb}")
    zones = {m.cluster: m.zones for m in facts.answered}
    view = load_balancer_view(lb, folded(key, facts).addresses, zones)
    configmaps = {m.cluster: m.uid_configmap for m in facts.answered}
    rules = {c: rule for c in holders if (rule := glbc_firewall_rule(configmaps.get(c)))}
    defaults = {m.cluster: default_backend_ports(m.services) for m in facts.answered}
    return gce_checks(label, lb, view, holders, rules, defaults)
