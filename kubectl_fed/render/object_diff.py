"""`kubectl fed diff`: a member's object now and as `apply` would leave it, as a unified diff.

Both sides are shown as YAML (keys sorted, as `kubectl diff`) without managedFields,
status, resourceVersion and the federation's record annotations (bookkeeping that changes
on every write).
A missing copy is a whole-object addition. Strings from the members are escaped.
"""

from __future__ import annotations

import difflib
from typing import Any

from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.model.desired import without_record


def unified_diff(
    cluster: str, ref: str, live: dict[str, Any] | None, merged: dict[str, Any]
) -> str:
    """ "" when nothing would change; else the diff, its headers naming the member."""
    before, after = _lines(live), _lines(merged)
    if before == after:
        return ""
    name = f"{cluster}/{ref}"
    lines = difflib.unified_diff(before, after, f"{name} (live)", f"{name} (merged)", lineterm="")
    return "\n".join(escaped(line) for line in lines)


def _lines(obj: dict[str, Any] | None) -> list[str]:
    if obj is None:
        return []
    import yaml

    shown = without_record(obj)
    shown.pop("status", None)
    metadata = shown.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("managedFields", None)
        metadata.pop("resourceVersion", None)  # bookkeeping of the server, new on any write
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(shown, Dumper=dumper, default_flow_style=False, sort_keys=True)
    return text.splitlines()
