"""Machine output: the FederatedList of DESIGN.md section 1 as JSON or YAML, and `-o name`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kubectl_fed.core.results import Reason

API_VERSION = "kubectl-fed/v1"


@dataclass(frozen=True)
class Item:
    cluster: str
    obj: dict[str, Any]


@dataclass(frozen=True)
class ItemError:
    cluster: str
    reason: Reason
    message: str


def federated_list(items: Sequence[Item], errors: Sequence[ItemError]) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "FederatedList",
        "items": [{"cluster": item.cluster, "object": item.obj} for item in items],
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

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(
        document, Dumper=dumper, default_flow_style=False, sort_keys=True, allow_unicode=True
    )
    return text.rstrip("\n")


def names(refs: Iterable[str]) -> str:
    """`-o name`: each `resource/name` once, in first-seen order."""
    return "\n".join(dict.fromkeys(refs))
