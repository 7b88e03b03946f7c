"""The text of `get` table cells, as kubectl's printers write them (shared by the kinds)."""

from __future__ import annotations

from collections.abc import Sequence

from kubectl_fed.core.model.objects import KubeObject

NONE = "<none>"
_LB_WIDTH = 16


def spec_of(obj: KubeObject) -> KubeObject:
    return obj.get("spec") or {}


def status_of(obj: KubeObject) -> KubeObject:
    return obj.get("status") or {}


def load_balancer_text(status: KubeObject, wide: bool) -> str:
    """Addresses of `status.loadBalancer`, shortened as kubectl does outside `-o wide`."""
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    addresses = [point.get("ip") or point.get("hostname") or "" for point in ingress]
    text = ",".join(address for address in addresses if address)
    if not wide and len(text) > _LB_WIDTH:
        return text[: _LB_WIDTH - 3] + "..."
    return text


def format_labels(labels: dict[str, str] | None) -> str:
    """As kubectl's labels.Set: the `key=value` pairs sorted as text."""
    return ",".join(sorted(f"{key}={value}" for key, value in labels.items())) if labels else NONE


def format_selector(selector: KubeObject | None) -> str:
    """A LabelSelector as kubectl prints it: requirements sorted by key."""
    if not selector:
        return NONE
    requirements = [
        (key, f"{key}={value}") for key, value in (selector.get("matchLabels") or {}).items()
    ]
    for expression in selector.get("matchExpressions") or []:
        requirements.append((expression.get("key", ""), _expression(expression)))
    return ",".join(text for _, text in sorted(requirements)) or NONE


def _expression(expression: KubeObject) -> str:
    key, operator = expression.get("key", ""), expression.get("operator")
    values = ",".join(sorted(expression.get("values") or []))
    if operator == "In":
        return f"{key} in ({values})"
    if operator == "NotIn":
        return f"{key} notin ({values})"
    return key if operator == "Exists" else f"!{key}"


def pod_template_wide(obj: KubeObject) -> list[str]:
    """CONTAINERS, IMAGES, SELECTOR: the wide cells of a kind with a pod template."""
    spec = spec_of(obj)
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    return [
        ",".join(str(container.get("name", "")) for container in containers),
        ",".join(str(container.get("image", "")) for container in containers),
        format_selector(spec.get("selector")),
    ]


def count(values: Sequence[object] | dict[str, object] | None) -> str:
    return str(len(values or ()))


def status_counts(obj: KubeObject, *fields: str) -> list[str]:
    """The counts a workload's status reports (`readyReplicas`, ...); 0 where it has none yet."""
    status = status_of(obj)
    return [str(status.get(name) or 0) for name in fields]
