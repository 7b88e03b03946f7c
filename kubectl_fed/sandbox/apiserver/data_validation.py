"""Validation of Secrets and ConfigMaps with upstream's wording (ValidateSecret,
ValidateConfigMap in pkg/apis/core/validation, Kubernetes v1.32)."""

from __future__ import annotations

import re
from typing import Any

from kubectl_fed.sandbox.apiserver.errors import FieldError, invalid_value, required

JSON = dict[str, Any]
TLS_CERT, TLS_KEY = "tls.crt", "tls.key"
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_CONFIG_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)


def _keys(obj: JSON, field: str) -> list[FieldError]:
    errors = []
    for key in obj.get(field) or {}:
        if len(key) > 253:
            errors.append(
                invalid_value(f"{field}[{key}]", key, "must be no more than 253 characters")
            )
        if not _CONFIG_KEY.match(key):
            errors.append(invalid_value(f"{field}[{key}]", key, _CONFIG_KEY_MSG))
    return errors


def validate_secret(obj: JSON) -> list[FieldError]:
    """Valid data keys; a `kubernetes.io/tls` Secret holds `tls.crt` and `tls.key`."""
    errors = _keys(obj, "data")
    if obj.get("type") == "kubernetes.io/tls":
        data = obj.get("data") or {}
        errors += [required(f"data[{key}]") for key in (TLS_CERT, TLS_KEY) if key not in data]
    return errors


def validate_config_map(obj: JSON) -> list[FieldError]:
    errors = _keys(obj, "data") + _keys(obj, "binaryData")
    both = set(obj.get("data") or {}) & set(obj.get("binaryData") or {})
    for key in sorted(both):
        detail = "duplicate of key present in data"
        errors.append(invalid_value(f"binaryData[{key}]", key, detail))
    return errors


def secret_type_unchanged(new: JSON, old: JSON) -> list[FieldError]:
    if new.get("type") == old.get("type"):
        return []
    return [invalid_value("type", new.get("type", ""), "field is immutable")]
