"""The table `get rs --summary` adds after its own: desired vs planned share, and the total.

REPLICASET   CLUSTER        DESIRED   PLANNED
web          us-central1    2         2
web          europe-west1   7         4
web          TOTAL          9         6
"""

from __future__ import annotations

from collections.abc import Sequence

from kubectl_fed.core.status.replica_summary import ShareRow
from kubectl_fed.render.tables import MISSING, align

TOTAL = "TOTAL"
UNKNOWN = "?"


def share_table(rows: Sequence[ShareRow], all_namespaces: bool = False) -> str:
    """ "" when there is nothing federated to sum up."""
    if not rows:
        return ""
    leading = ["NAMESPACE"] if all_namespaces else []
    lines = [[*leading, "REPLICASET", "CLUSTER", "DESIRED", "PLANNED"]]
    for row in rows:
        namespace = [row.namespace] if all_namespaces else []
        desired = MISSING if row.desired is None else str(row.desired)
        planned = UNKNOWN if row.planned is None else str(row.planned)
        lines.append([*namespace, row.name, row.cluster or TOTAL, desired, planned])
    return align(lines)
