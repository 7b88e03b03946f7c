"""Validation of pod templates, ReplicaSet replicas and Deployments, with upstream's wording
(pkg/apis/apps/validation in Kubernetes v1.32)."""

from __future__ import annotations

import json
import re
from typing import Any

from kubectl_fed.core.model.limits import INT32_MAX
from kubectl_fed.sandbox.apiserver.errors import FieldError, invalid_value, required
from kubectl_fed.sandbox.apiserver.humanize import format_label_selector
from kubectl_fed.sandbox.apiserver.selectors import label_matcher

JSON = dict[str, Any]
_PERCENT = re.compile(r"^[0-9]+%$")
_PERCENT_MSG = (
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  "
    "or '93%', regex used for validation is '[0-9]+%')"
)
_NONNEGATIVE = "must be greater than or equal to 0"


def go_string_map(values: dict[str, Any]) -> str:
    """A map as Go's `%#v` prints it in a field error: `map[string]string{"app":"web"}`."""
    pairs = ", ".join(f"{json.dumps(k)}:{json.dumps(str(v))}" for k, v in sorted(values.items()))
    return f"map[string]string{{{pairs}}}"


def _go_int_or_string(value: Any) -> str:
    """An intstr.IntOrString as `%#v` prints it (its String method has a pointer receiver)."""
    if isinstance(value, int):
        return f'intstr.IntOrString{{Type:0, IntVal:{value}, StrVal:""}}'
    return f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{json.dumps(str(value))}}}"


def containers(spec: Any, field: str) -> list[FieldError]:
    found = spec.get("containers") if isinstance(spec, dict) else None
    if not found:
        return [required(f"{field}.containers")]
    errors = []
    for index, container in enumerate(found):
        if not container.get("name"):
            errors.append(required(f"{field}.containers[{index}].name"))
        if not container.get("image"):
            errors.append(required(f"{field}.containers[{index}].image"))
    return errors


def replicas_errors(spec: JSON) -> list[FieldError]:
    replicas = spec.get("replicas", 1)
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        return [invalid_value("spec.replicas", replicas, _NONNEGATIVE)]
    if replicas > INT32_MAX:
        return [invalid_value("spec.replicas", replicas, "must be a 32-bit integer")]
    return []


def template_errors(spec: JSON) -> list[FieldError]:
    """ValidatePodTemplateSpecForReplicaSet: the selector matches the template's labels, and
    the template has containers."""
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    selector = spec.get("selector") or {}
    errors: list[FieldError] = []
    if (selector.get("matchLabels") or selector.get("matchExpressions")) and not label_matcher(
        format_label_selector(selector)
    )({"metadata": {"labels": labels}}):
        detail = (
            f"Invalid value: {go_string_map(labels)}: `selector` does not match template `labels`"
        )
        errors.append(FieldError("spec.template.metadata.labels", "FieldValueInvalid", detail))
    return errors + containers(template.get("spec"), "spec.template.spec")


def _int_or_percent(value: Any, field: str) -> list[FieldError]:
    shown = _go_int_or_string(value)
    if isinstance(value, int):
        return [] if value >= 0 else [_invalid(field, shown, _NONNEGATIVE)]
    if not _PERCENT.match(str(value)):
        return [_invalid(field, shown, _PERCENT_MSG)]
    return []


def _invalid(field: str, shown: str, detail: str) -> FieldError:
    return FieldError(field, "FieldValueInvalid", f"Invalid value: {shown}: {detail}")


def _amount(value: Any) -> int:
    text = str(value).rstrip("%")
    return int(text) if text.isdigit() else -1


def _strategy(spec: JSON) -> list[FieldError]:
    strategy = spec.get("strategy") or {}
    kind = strategy.get("type")
    rolling = strategy.get("rollingUpdate")
    if kind == "Recreate":
        if rolling is None:
            return []
        detail = "Forbidden: may not be specified when strategy `type` is 'Recreate'"
        return [FieldError("spec.strategy.rollingUpdate", "FieldValueForbidden", detail)]
    if kind != "RollingUpdate":
        # upstream prints the whole strategy with %#v; a pointer shows as an address,
        # arbitrary here as there
        pointer = "nil" if rolling is None else "0xc000010000"
        shown = (
            f"apps.DeploymentStrategy{{Type:{json.dumps(str(kind or ''))}, "
            f"RollingUpdate:(*apps.RollingUpdateDeployment)({pointer})}}"
        )
        detail = f'Unsupported value: {shown}: supported values: "Recreate", "RollingUpdate"'
        return [FieldError("spec.strategy", "FieldValueNotSupported", detail)]
    field = "spec.strategy.rollingUpdate"
    unavailable, surge = (rolling or {}).get("maxUnavailable"), (rolling or {}).get("maxSurge")
    errors = _int_or_percent(unavailable, f"{field}.maxUnavailable")
    errors += _int_or_percent(surge, f"{field}.maxSurge")
    if _amount(unavailable) == 0 and _amount(surge) == 0:
        shown = _go_int_or_string(unavailable)
        detail = "may not be 0 when `maxSurge` is 0"
        errors.append(_invalid(f"{field}.maxUnavailable", shown, detail))
    if isinstance(unavailable, str) and _amount(unavailable) > 100:
        shown = _go_int_or_string(unavailable)
        errors.append(_invalid(f"{field}.maxUnavailable", shown, "must not be greater than 100%"))
    return errors


def validate_deployment(obj: JSON) -> list[FieldError]:
    """ValidateDeploymentSpec: replicas, a non-empty selector that matches the template,
    the strategy, and the non-negative counters."""
    spec = obj.get("spec") or {}
    errors = replicas_errors(spec)
    selector = spec.get("selector")
    if selector is None:
        errors.append(required("spec.selector"))
    elif not (selector.get("matchLabels") or selector.get("matchExpressions")):
        detail = (
            "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: "
            "empty selector is invalid for deployment"
        )
        errors.append(FieldError("spec.selector", "FieldValueInvalid", detail))
    errors += template_errors(spec) + _strategy(spec)
    for counter in ("minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"):
        value = spec.get(counter)
        if isinstance(value, int) and value < 0:
            errors.append(invalid_value(f"spec.{counter}", value, _NONNEGATIVE))
    deadline, ready = spec.get("progressDeadlineSeconds"), spec.get("minReadySeconds", 0)
    if isinstance(deadline, int) and isinstance(ready, int) and 0 <= deadline <= ready:
        detail = "must be greater than minReadySeconds"
        errors.append(invalid_value("spec.progressDeadlineSeconds", deadline, detail))
    return errors
