"""A tiny per-cluster authorizer: everything is allowed unless a deny rule matches."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from kubectl_fed.sandbox.apiserver.errors import ApiError, status_body
from kubectl_fed.sandbox.apiserver.groups import qualified

SANDBOX_USER = "sandbox-admin"


@dataclass(frozen=True)
class DenyRule:
    verb: str = "*"
    resource: str = "*"
    namespace: str | None = None  # None: every namespace

    def matches(self, verb: str, resource: str, namespace: str | None) -> bool:
        return (
            self.verb in ("*", verb)
            and self.resource in ("*", resource)
            and (self.namespace is None or self.namespace == namespace)
        )


class AccessRules:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[DenyRule] = []

    def deny(self, verb: str = "*", resource: str = "*", namespace: str | None = None) -> None:
        """Refuse `verb` (get, list, watch, create, update, patch, delete, or *) on `resource`."""
        with self._lock:
            self._rules.append(DenyRule(verb, resource, namespace))

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def allowed(self, verb: str, resource: str, namespace: str | None) -> bool:
        with self._lock:
            return not any(rule.matches(verb, resource, namespace) for rule in self._rules)


def forbidden(
    verb: str, resource: str, group: str, namespace: str | None, name: str | None
) -> ApiError:
    """403 worded like the RBAC authorizer's answer."""
    resource_name = qualified(resource, group)
    subject = f'{resource_name} "{name}"' if name else resource_name
    where = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
    message = (
        f'{subject} is forbidden: User "{SANDBOX_USER}" cannot {verb} resource "{resource}" '
        f'in API group "{group}"{where}'
    )
    details: dict[str, str] = {"kind": resource}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    return ApiError(status_body(403, "Forbidden", message, details))


def forbidden_path(verb: str, path: str) -> ApiError:
    message = f'forbidden: User "{SANDBOX_USER}" cannot {verb} path "{path}"'
    return ApiError(status_body(403, "Forbidden", message, {}))
