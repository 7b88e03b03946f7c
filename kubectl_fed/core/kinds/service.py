"""Service (v1): the same node ports in every member, as the shared load balancer needs."""

from __future__ import annotations

from collections.abc import Sequence

from kubectl_fed.core.kinds.cells import (
    NONE,
    format_labels,
    load_balancer_text,
    spec_of,
    status_of,
)
from kubectl_fed.core.kinds.spec import Columns, Kind, NameRule, StatusFold, api
from kubectl_fed.core.kinds.validation import STRING_MAP, service_problem
from kubectl_fed.core.model.objects import KubeObject


def service_external_ip(obj: KubeObject, wide: bool = False) -> str:
    spec = spec_of(obj)
    service_type = spec.get("type") or "ClusterIP"
    external = list(spec.get("externalIPs") or [])
    if service_type in ("ClusterIP", "NodePort"):
        return ",".join(external) or NONE
    if service_type == "LoadBalancer":
        balancer = load_balancer_text(status_of(obj), wide)
        # the load balancer's addresses first, then spec.externalIPs, as kubectl prints them
        return ",".join([*([balancer] if balancer else []), *external]) or "<pending>"
    if service_type == "ExternalName":
        return str(spec.get("externalName") or "")
    return "<unknown>"


def service_ports(ports: Sequence[KubeObject]) -> str:
    texts = []
    for port in ports:
        protocol = port.get("protocol") or "TCP"
        node_port = f":{port['nodePort']}" if port.get("nodePort") else ""
        texts.append(f"{port.get('port')}{node_port}/{protocol}")
    return ",".join(texts) or NONE


def _cells(obj: KubeObject, wide: bool) -> list[str]:
    spec = spec_of(obj)
    return [
        spec.get("type") or "ClusterIP",
        spec.get("clusterIP") or NONE,
        service_external_ip(obj, wide),
        service_ports(spec.get("ports") or []),
    ]


SERVICE = Kind(
    api("v1", "Service", "services", "svc"),
    NameRule.LABEL,
    shapes=(
        ("spec.selector", STRING_MAP),
        ("spec.ports", list),
        ("spec.ports[]", dict),
    ),
    spec_check=service_problem,
    columns=Columns(
        ("TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)"),
        _cells,
        ("SELECTOR",),
        lambda obj: [format_labels(spec_of(obj).get("selector"))],
    ),
    converged=True,
    fold=StatusFold.SERVICE,
)
