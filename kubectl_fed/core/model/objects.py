"""A Kubernetes object body as every layer reads it, and the one rule for its key.

An object is decoded JSON (`KubeObject`). `ObjectView` reads the fields the tool needs from
one without `(obj.get("metadata") or {})` chains, and never changes it; the functions below
are the same reads for a single field.

Namespace rule: an object that names no namespace is in the namespace it was given for,
`default` unless the caller says otherwise (the run's `-n` for a manifest), as kubectl and
the API server place it. Namespaced objects read from a member always name theirs; a
cluster-scoped one (a Namespace) names none, and callers that hold such kinds pass `""`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kubectl_fed.core.model.markers import FEDERATION_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE

KubeObject = dict[str, Any]
Key = tuple[str, str]  # (namespace, name)
DEFAULT_NAMESPACE = "default"


def metadata_of(obj: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """`metadata`, or an empty mapping when the object (or its metadata) is missing."""
    metadata = (obj or {}).get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}


def name_of(obj: Mapping[str, Any] | None) -> str:
    return str(metadata_of(obj).get("name") or "")


def namespace_of(obj: Mapping[str, Any] | None, default: str = DEFAULT_NAMESPACE) -> str:
    return str(metadata_of(obj).get("namespace") or default)


def key_of(obj: Mapping[str, Any] | None, default_namespace: str = DEFAULT_NAMESPACE) -> Key:
    """(namespace, name), the namespace by the module's rule."""
    return namespace_of(obj, default_namespace), name_of(obj)


def labels_of(obj: Mapping[str, Any] | None) -> dict[str, str]:
    return dict(metadata_of(obj).get("labels") or {})


def annotations_of(obj: Mapping[str, Any] | None) -> dict[str, str]:
    return dict(metadata_of(obj).get("annotations") or {})


def annotation_of(obj: Mapping[str, Any] | None, key: str) -> str | None:
    value = (metadata_of(obj).get("annotations") or {}).get(key)
    return value if isinstance(value, str) else None


def is_federated(obj: Mapping[str, Any] | None) -> bool:
    """Whether a member's object was written by kubectl-fed (any federation)."""
    labels = metadata_of(obj).get("labels") or {}
    return bool(labels.get(MANAGED_BY_LABEL) == MANAGED_BY_VALUE)


def owner_uids(obj: Mapping[str, Any] | None) -> set[str]:
    """The uids of the object's owners (a pod's ReplicaSet, a ReplicaSet's Deployment)."""
    owners = metadata_of(obj).get("ownerReferences") or []
    return {str(owner["uid"]) for owner in owners if owner.get("uid")}


def is_controlled(obj: Mapping[str, Any] | None) -> bool:
    """Whether a controller owns the object (a Deployment's ReplicaSet): not one to federate."""
    owners = metadata_of(obj).get("ownerReferences") or []
    return any(isinstance(o, Mapping) and o.get("controller") is True for o in owners)


@dataclass(frozen=True)
class ObjectView:
    """Read-only access to one object body's identity and markers."""

    body: Mapping[str, Any]

    @property
    def metadata(self) -> Mapping[str, Any]:
        return metadata_of(self.body)

    @property
    def kind(self) -> str:
        return str(self.body.get("kind") or "")

    @property
    def api_version(self) -> str:
        return str(self.body.get("apiVersion") or "")

    @property
    def name(self) -> str:
        return name_of(self.body)

    @property
    def namespace(self) -> str:
        return namespace_of(self.body)

    @property
    def key(self) -> Key:
        return key_of(self.body)

    @property
    def uid(self) -> str:
        return str(self.metadata.get("uid") or "")

    @property
    def labels(self) -> dict[str, str]:
        return labels_of(self.body)

    @property
    def annotations(self) -> dict[str, str]:
        return annotations_of(self.body)

    @property
    def is_federated(self) -> bool:
        return is_federated(self.body)

    @property
    def federation(self) -> str | None:
        """The federation the object's markers name, None when it has none."""
        return annotation_of(self.body, FEDERATION_ANNOTATION)


def parse_micro_time(text: object) -> datetime | None:
    """A metav1.Time or MicroTime (`2026-12-05T10:00:00.123456Z`); None when it is not one."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
