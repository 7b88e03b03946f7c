"""`--sort-by PATH`: a get's rows ordered by a JSONPath on each member's object."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from kubectl_fed.core.status.listing import Entry
from kubectl_fed.render.jsonpath import find


def sort_entries(entries: Sequence[Entry], path: str) -> list[Entry]:
    """The rows by the path's first value: numbers by size, then text; a member's missing
    copy or value first. Stable: equal values keep their member order."""
    return sorted(entries, key=lambda entry: _key(entry, path))


def _key(entry: Entry, path: str) -> tuple[int, float, str]:
    values = find(path, entry.obj) if entry.obj is not None else []
    if not values or values[0] is None:
        return (0, 0.0, "")
    value: Any = values[0]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (1, float(value), "")
    if isinstance(value, str):
        return (2, 0.0, value)
    return (3, 0.0, json.dumps(value, sort_keys=True))
