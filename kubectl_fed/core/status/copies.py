"""The federated status of a kind fanned out as written (Secret, ConfigMap): which members
hold a copy, and whether each copy's content is the first copy's."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kubectl_fed.core.status.fold import Member, Presence, absent_note, created_of, present

CONTENT_FIELDS = ("data", "binaryData", "stringData", "type", "immutable")


@dataclass(frozen=True)
class CopyRow:
    cluster: str
    presence: Presence
    created: str | None = None
    same: bool = True  # its content is the reference copy's
    note: str = ""


@dataclass(frozen=True)
class CopiesStatus:
    rows: tuple[CopyRow, ...]

    @property
    def drifted(self) -> list[str]:
        return [r.cluster for r in self.rows if r.presence is Presence.PRESENT and not r.same]


def content_digest(obj: dict[str, Any]) -> str:
    """A digest of what the user wrote (never the values themselves: Secret data)."""
    content = {name: obj.get(name) for name in CONTENT_FIELDS if obj.get(name) is not None}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def copies_status(members: Sequence[Member], kind_word: str) -> CopiesStatus:
    copies = [m.obj for m in present(members) if m.obj is not None]
    reference = content_digest(copies[0]) if copies else ""
    return CopiesStatus(tuple(_row(m, reference, kind_word) for m in members))


def _row(member: Member, reference: str, kind_word: str) -> CopyRow:
    if member.obj is None:
        return CopyRow(member.cluster, member.presence, note=absent_note(member, kind_word))
    same = content_digest(member.obj) == reference
    note = "" if same else "content differs from the first member's copy"
    return CopyRow(member.cluster, member.presence, created_of(member.obj), same, note)
