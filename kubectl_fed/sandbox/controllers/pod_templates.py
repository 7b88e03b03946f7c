"""Pod templates as the Deployment controller compares and names them.

Upstream compares templates with `apiequality.Semantic.DeepEqual` on typed structs, so a
null `creationTimestamp` (what `kubectl rollout undo` writes back) or an empty map equals a
missing one; `normalized` drops those before any comparison or hash. The hash is FNV-32a,
written with upstream's `rand.SafeEncodeString` alphabet (so names look like
`web-7d4b9c8f5`), over the normalized template and the collision count: it is stable for a
template, though not byte-for-byte the one kube-controller-manager computes from Go structs.
"""

from __future__ import annotations

import copy
import json
from typing import Any

JSON = dict[str, Any]
HASH_LABEL = "pod-template-hash"
_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
_FNV_OFFSET, _FNV_PRIME = 0x811C9DC5, 0x01000193


def normalized(value: Any) -> Any:
    """`value` without None values and empty maps or lists, at any depth."""
    if isinstance(value, dict):
        kept = {key: normalized(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, {}, [])}
    if isinstance(value, list):
        return [normalized(item) for item in value]
    return value


def without_hash(template: JSON) -> JSON:
    """The template, normalized, without the `pod-template-hash` label."""
    found = copy.deepcopy(template)
    labels = (found.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
    result = normalized(found)
    return result if isinstance(result, dict) else {}


def equal_ignoring_hash(first: JSON, second: JSON) -> bool:
    return without_hash(first) == without_hash(second)


def template_hash(template: JSON, collision_count: int = 0) -> str:
    encoded = json.dumps(without_hash(template), sort_keys=True, separators=(",", ":"))
    value = _FNV_OFFSET
    for byte in encoded.encode() + (str(collision_count).encode() if collision_count else b""):
        value = ((value ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return "".join(_SAFE_ALPHABET[ord(digit) % len(_SAFE_ALPHABET)] for digit in str(value))


def with_hash_label(template: JSON, hash_value: str) -> JSON:
    found = copy.deepcopy(template)
    found.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = hash_value
    return found
