"""`get -o yaml|json` fed back to `apply -f -`: a FederatedList read as one object per
(kind, namespace, name).

Every member's copy is read without what the member assigned itself (status, uid,
resourceVersion, managedFields, ..., a Service's clusterIP(s), the GLBC's
`ingress.kubernetes.io/*` annotations, the federation's record annotations) and with a
federated ReplicaSet's federation-wide total as its replicas. The copies must then agree,
unless `from_cluster` names the member whose copy is the object.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from kubectl_fed.core.model.desired import read_record, without_record
from kubectl_fed.core.model.glbc_annotations import GLBC, GLOBAL_STATIC_IP_ANNOTATION
from kubectl_fed.core.model.markers import SERVER_OWNED_METADATA, TOTAL_REPLICAS_ANNOTATION
from kubectl_fed.core.model.objects import KubeObject, annotations_of
from kubectl_fed.errors import UsageError

API_VERSION = "kubectl-fed/v1"
KIND = "FederatedList"
MEMBER_SERVICE_FIELDS = ("clusterIP", "clusterIPs")


def is_federated_list(document: dict[str, Any]) -> bool:
    return document.get("apiVersion") == API_VERSION and document.get("kind") == KIND


def federated_objects(
    origin: str, document: dict[str, Any], from_cluster: str | None
) -> Iterator[tuple[str, KubeObject]]:
    """(origin, object) per object of a FederatedList, in first-seen order."""
    items = document.get("items")
    if not isinstance(items, list):
        raise UsageError(f"{origin}: {KIND} without an items list")
    copies: dict[tuple[str, str, str], list[tuple[str, KubeObject]]] = {}
    for index, item in enumerate(items, start=1):
        obj = item.get("object") if isinstance(item, dict) else None
        cluster = item.get("cluster") if isinstance(item, dict) else None
        if not isinstance(obj, dict) or not isinstance(cluster, str):
            raise UsageError(f"{origin}: item {index}: expected {{cluster, object}}")
        metadata = obj.get("metadata")
        if not isinstance(metadata, dict):
            metadata = {}
        key = (str(obj.get("kind")), str(metadata.get("namespace")), str(metadata.get("name")))
        copies.setdefault(key, []).append((cluster, as_federated(obj)))
    for (kind, namespace, name), members in copies.items():
        where = f"{origin}: {kind.lower()} {namespace}/{name}"
        yield where, _one(where, members, from_cluster)


def _one(where: str, members: list[tuple[str, KubeObject]], from_cluster: str | None) -> KubeObject:
    if from_cluster is not None:
        chosen = [obj for cluster, obj in members if cluster == from_cluster]
        if not chosen:
            raise UsageError(f"{where}: no copy from cluster {from_cluster!r} (--from-cluster)")
        return chosen[0]
    first_cluster, first = members[0]
    differing = [cluster for cluster, obj in members[1:] if obj != first]
    if differing:
        raise UsageError(
            f"{where}: the copies differ ({first_cluster} vs {', '.join(differing)}): "
            "say which one with --from-cluster NAME"
        )
    return first


def as_federated(obj: KubeObject) -> KubeObject:
    """A member's copy without what the member assigned itself (and without the static IP
    name the federation gave the other members' ingresses, unless the user had set it)."""
    record = read_record(obj)
    assigned = _rollout_assigned(obj, record.desired if record else None)
    result = without_record(obj)
    result.pop("status", None)
    metadata = result.get("metadata")
    if isinstance(metadata, dict):
        for field in SERVER_OWNED_METADATA:
            metadata.pop(field, None)
        annotations = metadata.get("annotations")
        if isinstance(annotations, dict):
            kept = {
                k: v for k, v in annotations.items() if not k.startswith(GLBC) and k not in assigned
            }
            total = kept.get(TOTAL_REPLICAS_ANNOTATION)
            if total is not None and isinstance(result.get("spec"), dict):
                result["spec"] = {**result["spec"], "replicas": _int(total)}
            metadata["annotations"] = kept
            if not kept:
                metadata.pop("annotations")
    spec = result.get("spec")
    if result.get("kind") == "Service" and isinstance(spec, dict):
        result["spec"] = {k: v for k, v in spec.items() if k not in MEMBER_SERVICE_FIELDS}
    return copy.deepcopy(result)


def _rollout_assigned(obj: KubeObject, desired: KubeObject | None) -> set[str]:
    """The ingress annotations the rollout wrote on this member, not the user."""
    if obj.get("kind") != "Ingress" or desired is None:
        return set()
    wanted = annotations_of(desired)
    return set() if GLOBAL_STATIC_IP_ANNOTATION in wanted else {GLOBAL_STATIC_IP_ANNOTATION}


def _int(text: object) -> object:
    try:
        return int(str(text))
    except ValueError:
        return text
