"""The plain per-member step: every member gets the object as written.

`core/writes/member.desired_by_member` uses it when no plan rewrites objects per member. `create`
and `apply` pass `core/writes/federate.FederationPlan.prepare` instead, where node-port agreement
and replica splitting give each member its own copy.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from kubectl_fed.core.manifests.load import Manifest


def prepare(manifest: Manifest, members: Sequence[str]) -> dict[str, dict[str, Any]]:
    """One object per member cluster for `manifest`, in member order."""
    return {cluster: copy.deepcopy(manifest.obj) for cluster in members}
