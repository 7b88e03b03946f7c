"""Field validation with upstream's wording, for the kinds the sandbox stores."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kubectl_fed.sandbox.apiserver.data_validation import (
    secret_type_unchanged,
    validate_config_map,
    validate_secret,
)
from kubectl_fed.sandbox.apiserver.errors import FieldError, invalid_value, required
from kubectl_fed.sandbox.apiserver.kinds import Kind
from kubectl_fed.sandbox.apiserver.workload_validation import (
    containers,
    replicas_errors,
    template_errors,
    validate_deployment,
)

JSON = dict[str, Any]

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
)
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")

_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
    "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
    "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
_DNS1035_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)


def validate_name(kind: Kind, name: str) -> list[FieldError]:
    if not name:
        return [required("metadata.name", "name or generateName is required")]
    if kind.plural == "namespaces":
        ok, limit, message = bool(_DNS1123_LABEL.match(name)), 63, _LABEL_MSG
    elif kind.plural == "services":
        ok, limit, message = bool(_DNS1035_LABEL.match(name)), 63, _DNS1035_MSG
    else:
        ok, limit, message = bool(_DNS1123_SUBDOMAIN.match(name)), 253, _SUBDOMAIN_MSG
    if len(name) > limit:
        return [invalid_value("metadata.name", name, f"must be no more than {limit} characters")]
    return [] if ok else [invalid_value("metadata.name", name, message)]


def _validate_pod(obj: JSON) -> list[FieldError]:
    return containers(obj.get("spec"), "spec")


def _validate_replicaset(obj: JSON) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errors: list[FieldError] = []
    selector = spec.get("selector") or {}
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        errors.append(required("spec.selector"))
    return errors + replicas_errors(spec) + template_errors(spec)


def _validate_ingress(obj: JSON) -> list[FieldError]:
    spec = obj.get("spec") or {}
    if not spec.get("defaultBackend") and not spec.get("rules"):
        return [
            FieldError(
                "spec",
                "FieldValueInvalid",
                'Invalid value: "": either `defaultBackend` or `rules` must be specified',
            )
        ]
    errors = []
    for i, rule in enumerate(spec.get("rules") or []):
        for j, path in enumerate(((rule.get("http") or {}).get("paths")) or []):
            if not path.get("pathType"):
                errors.append(
                    required(
                        f"spec.rules[{i}].http.paths[{j}].pathType", "pathType must be specified"
                    )
                )
            if not path.get("backend"):
                errors.append(required(f"spec.rules[{i}].http.paths[{j}].backend"))
    return errors


def _validate_event(obj: JSON) -> list[FieldError]:
    involved = obj.get("involvedObject") or {}
    return [] if involved.get("kind") or involved.get("name") else [required("involvedObject")]


def _validate_ingressclass(obj: JSON) -> list[FieldError]:
    controller = (obj.get("spec") or {}).get("controller")
    return [] if controller else [required("spec.controller")]


_VALIDATORS: dict[str, Callable[[JSON], list[FieldError]]] = {
    "pods": _validate_pod,
    "replicasets": _validate_replicaset,
    "deployments": validate_deployment,
    "secrets": validate_secret,
    "configmaps": validate_config_map,
    "ingresses": _validate_ingress,
    "events": _validate_event,
    "ingressclasses": _validate_ingressclass,
}


def validate(kind: Kind, obj: JSON) -> list[FieldError]:
    """Every field error of `obj` (its name included), empty when it is valid."""
    errors = validate_name(kind, str(obj.get("metadata", {}).get("name") or ""))
    labels = obj.get("metadata", {}).get("labels") or {}
    for key, value in labels.items():
        if not isinstance(value, str):
            errors.append(invalid_value(f"metadata.labels[{key}]", value, "must be a string"))
    validator = _VALIDATORS.get(kind.plural)
    return errors + (validator(obj) if validator else [])


def _selector_text(selector: JSON) -> str:
    labels = ", ".join(
        f'"{k}":"{v}"' for k, v in sorted((selector.get("matchLabels") or {}).items())
    )
    return f"v1.LabelSelector{{MatchLabels:map[string]string{{{labels}}}}}"


def validate_update(kind: Kind, new: JSON, old: JSON) -> list[FieldError]:
    """Rules that compare an update with the stored object (immutable fields, finalizers)."""
    errors = _new_finalizers(new, old)
    if kind.plural == "secrets":
        return errors + secret_type_unchanged(new, old)
    if kind.plural not in ("replicasets", "deployments"):
        return errors
    selector = (new.get("spec") or {}).get("selector") or {}
    if selector == ((old.get("spec") or {}).get("selector") or {}):
        return errors
    detail = f"Invalid value: {_selector_text(selector)}: field is immutable"
    return [*errors, FieldError("spec.selector", "FieldValueInvalid", detail)]


def _new_finalizers(new: JSON, old: JSON) -> list[FieldError]:
    """A terminating object takes no new finalizers."""
    if not old["metadata"].get("deletionTimestamp"):
        return []
    before = set(old["metadata"].get("finalizers") or [])
    added = [f for f in (new.get("metadata") or {}).get("finalizers") or [] if f not in before]
    if not added:
        return []
    shown = ", ".join(f'"{f}"' for f in added)
    detail = (
        "Forbidden: no new finalizers can be added if the object is being deleted, "
        f"found new finalizers []string{{{shown}}}"
    )
    return [FieldError("metadata.finalizers", "FieldValueForbidden", detail)]
