"""The before/after plan of `scale rs` and `rebalance rs`, one row per member and a total.

CLUSTER        BEFORE   AFTER
us-central1    2        3
europe-west1   4        7
asia-east1     -        0       unreachable
TOTAL          6        10
"""

from __future__ import annotations

from kubectl_fed.core.replicas.moves import Move, ReplicaPlan
from kubectl_fed.render.tables import align

UNKNOWN = "-"


def moves_table(plan: ReplicaPlan) -> str:
    rows = [["CLUSTER", "BEFORE", "AFTER", ""]]
    rows.extend([move.cluster, _before(move), str(move.after), _note(move)] for move in plan.moves)
    # the rows add up: a member that did not answer counts for nothing before
    before = sum(move.before for move in plan.moves if move.before is not None)
    rows.append(["TOTAL", str(before), str(plan.total), ""])
    return align(rows)


def _before(move: Move) -> str:
    return UNKNOWN if move.before is None else str(move.before)


def _note(move: Move) -> str:
    if not move.reachable:
        return "unreachable"
    if not move.present:
        return "missing: created"
    return ""
