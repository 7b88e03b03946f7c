"""Ingress (networking.k8s.io/v1): one Google Cloud L7 load balancer shared by every member."""

from __future__ import annotations

from collections.abc import Sequence

from kubectl_fed.core.kinds.cells import NONE, load_balancer_text, spec_of, status_of
from kubectl_fed.core.kinds.spec import Columns, Kind, StatusFold, api
from kubectl_fed.core.kinds.validation import ingress_problem
from kubectl_fed.core.model.objects import KubeObject


def ingress_hosts(rules: Sequence[KubeObject]) -> str:
    shown = 3
    hosts = [rule.get("host") for rule in rules[:shown] if rule.get("host")]
    if not hosts:
        return "*"
    text = ",".join(str(host) for host in hosts)
    return f"{text} + {len(rules) - shown} more..." if len(rules) > shown else text


def _cells(obj: KubeObject, wide: bool) -> list[str]:
    spec = spec_of(obj)
    return [
        spec.get("ingressClassName") or NONE,
        ingress_hosts(spec.get("rules") or []),
        load_balancer_text(status_of(obj), wide),
        "80, 443" if spec.get("tls") else "80",
    ]


INGRESS = Kind(
    api("networking.k8s.io/v1", "Ingress", "ingresses", "ing"),
    shapes=(
        ("spec.defaultBackend", dict),
        ("spec.tls", list),
        ("spec.tls[]", dict),
        ("spec.rules", list),
        ("spec.rules[]", dict),
        ("spec.rules[].http", dict),
        ("spec.rules[].http.paths", list),
        ("spec.rules[].http.paths[]", dict),
        ("spec.rules[].http.paths[].backend", dict),
        ("spec.rules[].http.paths[].backend.service", dict),
    ),
    spec_check=ingress_problem,
    columns=Columns(("CLASS", "HOSTS", "ADDRESS", "PORTS"), _cells),
    converged=True,
    fold=StatusFold.INGRESS,
)
