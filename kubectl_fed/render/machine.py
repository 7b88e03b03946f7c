"""Machine output: the FederatedList as JSON or YAML, and `-o name` (README, "Machine output")."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.manifests.federated_list import API_VERSION as API_VERSION  # every document's
from kubectl_fed.core.manifests.federated_list import KIND as FEDERATED_LIST
from kubectl_fed.core.members.results import ClusterResult, Reason
from kubectl_fed.core.status.listing import View
from kubectl_fed.core.writes.plans import Outcome


@dataclass(frozen=True)
class Item:
    cluster: str
    obj: dict[str, Any]


@dataclass(frozen=True)
class ItemError:
    cluster: str
    reason: Reason
    message: str


def without_managed_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """The object as `kubectl get -o json|yaml` shows it: managedFields left out."""
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict) or "managedFields" not in metadata:
        return obj
    shown = {key: value for key, value in metadata.items() if key != "managedFields"}
    return {**obj, "metadata": shown}


def federated_list(items: Sequence[Item], errors: Sequence[ItemError]) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": FEDERATED_LIST,
        "items": [
            {"cluster": item.cluster, "object": without_managed_fields(item.obj)} for item in items
        ],
        "errors": [
            {"cluster": error.cluster, "reason": error.reason.value, "message": error.message}
            for error in errors
        ],
    }


def to_json(document: dict[str, Any]) -> str:
    """Indented as `kubectl -o json`; keys in the order the API server sent them."""
    return json.dumps(document, indent=4, ensure_ascii=False)


def to_yaml(document: dict[str, Any]) -> str:
    """Block style with sorted keys, as `kubectl -o yaml`."""
    import yaml

    options: dict[str, Any] = {
        "default_flow_style": False,
        "sort_keys": True,
        "allow_unicode": True,
    }
    try:
        text: str = yaml.dump(
            document, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), **options
        )
    except (
        UnicodeEncodeError
    ):  # libyaml cannot hold a lone surrogate; the Python emitter escapes it
        text = yaml.dump(document, Dumper=yaml.SafeDumper, **options)
    return text.rstrip("\n")


def names(refs: Iterable[str]) -> str:
    """`-o name`: each `resource/name` once, in first-seen order."""
    return "\n".join(escaped(ref) for ref in dict.fromkeys(refs))


def view_document(
    results: Sequence[ClusterResult[Any]], view: View, members: Sequence[str]
) -> dict[str, Any]:
    """The FederatedList of a `get`: objects found, members that failed or lack an object."""
    items = [Item(e.cluster, e.obj) for e in view.entries if e.obj is not None]
    errors = [ItemError(r.cluster, r.error.reason, r.error.message) for r in results if r.error]
    errors += [
        ItemError(e.cluster, Reason.NOT_FOUND, f'{e.kind.qualified_plural} "{e.name}" not found')
        for e in view.entries
        if e.obj is None
    ]
    for target in view.not_found:
        message = f'{target.kind.qualified_plural} "{target.name}" not found'
        errors += [ItemError(r.cluster, Reason.NOT_FOUND, message) for r in results if r.ok]
    order = {cluster: index for index, cluster in enumerate(members)}
    items.sort(key=lambda item: order.get(item.cluster, len(order)))
    errors.sort(key=lambda error: order.get(error.cluster, len(order)))
    return federated_list(items, errors)


def written_document(
    results: Sequence[ClusterResult[list[Outcome]]], members: Sequence[str]
) -> dict[str, Any]:
    """The FederatedList of a create or apply: each member's copy as written (as the server
    answered, or as planned for a client dry run), in member order, then input order;
    `errors` hold the members and objects that failed."""
    order = {cluster: index for index, cluster in enumerate(members)}
    ranked = sorted(results, key=lambda result: order.get(result.cluster, len(order)))
    items: list[Item] = []
    errors: list[ItemError] = []
    for result in ranked:
        if result.error is not None:
            errors.append(ItemError(result.cluster, result.error.reason, result.error.message))
        for outcome in result.value or []:
            if outcome.error is not None:
                error = outcome.error
                message = f"{outcome.target.subject}: {error.message}"
                errors.append(ItemError(result.cluster, error.reason, message))
            elif outcome.obj is not None:
                items.append(Item(result.cluster, outcome.obj))
    return federated_list(items, errors)
