"""What a DELETE asks for: the propagation policy and a pod's grace period, as upstream reads them.

Deletion itself (finalizers, graceful deletion, the garbage collector) is the store's; see
`Store.delete`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kubectl_fed.sandbox.apiserver.errors import Choice, bad_request

JSON = dict[str, Any]
POLICIES = ("Background", "Foreground", "Orphan")
FOREGROUND_FINALIZER = "foregroundDeletion"
DEFAULT_POD_GRACE_SECONDS = 30
# the policy of a DeleteOptions/`?propagationPolicy=`; upstream's default is Background
PROPAGATION = Choice(
    POLICIES,
    "Background",
    'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "{raw}": '
    'supported values: "Foreground", "Background", "Orphan", "nil"',
)


def requested_grace(raw: Any) -> int | None:
    """`gracePeriodSeconds` of a DeleteOptions body or query; None when not given."""
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except (TypeError, ValueError) as err:
        raise bad_request(f"invalid gracePeriodSeconds {raw!r}") from err


def grace_seconds(resource: str, obj: JSON, requested: int | None) -> int:
    """How long a deleted object stays Terminating: only pods bound to a node and still
    running have a grace period (the request's, else `terminationGracePeriodSeconds`, 30)."""
    if resource != "pods" or not (obj.get("spec") or {}).get("nodeName"):
        return 0
    if (obj.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return 0
    if requested is not None:
        return max(int(requested), 0)
    configured = (obj.get("spec") or {}).get("terminationGracePeriodSeconds")
    return int(configured) if configured is not None else DEFAULT_POD_GRACE_SECONDS


def deletion_timestamp(grace: int) -> str:
    return (datetime.now(UTC) + timedelta(seconds=grace)).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_terminating(obj: JSON) -> bool:
    return bool((obj.get("metadata") or {}).get("deletionTimestamp"))


def removable(obj: JSON) -> bool:
    """A terminating object whose grace period is over and whose finalizers are all gone."""
    meta = obj.get("metadata") or {}
    return (
        is_terminating(obj)
        and not meta.get("finalizers")
        and not meta.get("deletionGracePeriodSeconds")
    )
