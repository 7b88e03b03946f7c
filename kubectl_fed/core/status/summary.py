"""`get --summary`: one row per federated object instead of one per member (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubectl_fed.core.kinds import Kind
from kubectl_fed.core.status.fold import load_balancer_address
from kubectl_fed.core.status.listing import Entry

DIFFERS = "<differs>"


@dataclass(frozen=True)
class SummaryRow:
    kind: Kind
    namespace: str
    name: str
    present: int  # members that have the object
    members: int  # selected members, answering or not
    address: str  # the common load balancer address; "" none; DIFFERS when they disagree


def summary_rows(entries: Sequence[Entry], members: int) -> list[SummaryRow]:
    """Objects in the order `get` lists them; `members` counts failed members too."""
    grouped: dict[tuple[Kind, str, str], list[Entry]] = {}
    for entry in entries:
        grouped.setdefault((entry.kind, entry.namespace, entry.name), []).append(entry)
    return [_row(kind, ns, name, rows, members) for (kind, ns, name), rows in grouped.items()]


def _row(kind: Kind, namespace: str, name: str, entries: list[Entry], members: int) -> SummaryRow:
    copies = [entry.obj for entry in entries if entry.obj is not None]
    addresses = {load_balancer_address(obj) for obj in copies} - {""}
    address = DIFFERS if len(addresses) > 1 else next(iter(addresses), "")
    return SummaryRow(kind, namespace, name, len(copies), members, address)
