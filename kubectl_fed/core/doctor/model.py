"""The result of one doctor check, and what a set of them means for the exit status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from kubectl_fed.exit_status import ExitStatus


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Check:
    id: str
    status: Status
    cluster: str | None
    object: str | None
    message: str
    fix: str | None = None

    @property
    def group(self) -> str:
        return GROUPS.get(self.id, "Other")


# check id -> the group it is shown under (table order is the order of first appearance).
GROUPS: dict[str, str] = {
    **dict.fromkeys(("connectivity", "membership"), "Connectivity"),
    **dict.fromkeys(("authorization", "quota"), "Access"),
    **dict.fromkeys(
        ("presence", "drift", "shadow", "desired-state", "terminating"), "Federated objects"
    ),
    **dict.fromkeys(
        (
            "node-ports",
            "ingress-controller",
            "glbc-uid",
            "provider-uid",
            "pre-agreement-ingress",
            "zone-uid-clash",
        ),
        "Shared load balancer",
    ),
    **dict.fromkeys(
        (
            "ingress-address",
            "shards",
            "default-backend",
            "backend-type",
            "readiness-probe",
            "tls-secret",
        ),
        "Ingress traffic",
    ),
    **dict.fromkeys(("replica-split", "replicas-unavailable", "pods-pending"), "Replicas"),
    **dict.fromkeys(
        (
            "gce",
            "gce-forwarding-rule",
            "gce-static-ip",
            "gce-backend-services",
            "gce-backend-health",
            "gce-firewall",
        ),
        "Google Cloud",
    ),
}


def passed(id: str, message: str, cluster: str | None = None, obj: str | None = None) -> Check:
    return Check(id, Status.PASS, cluster, obj, message)


def skipped(id: str, message: str, cluster: str | None = None, obj: str | None = None) -> Check:
    return Check(id, Status.SKIP, cluster, obj, message)


def counts(checks: Sequence[Check]) -> dict[Status, int]:
    return {status: sum(1 for c in checks if c.status is status) for status in Status}


def summary_line(checks: Sequence[Check]) -> str:
    """`12 passed, 2 warnings, 1 failed, 3 skipped`."""
    found = counts(checks)
    warnings = found[Status.WARN]
    return (
        f"{found[Status.PASS]} passed, {warnings} warning{'' if warnings == 1 else 's'}, "
        f"{found[Status.FAIL]} failed, {found[Status.SKIP]} skipped"
    )


def report_status(checks: Sequence[Check], *, strict: bool = False) -> ExitStatus:
    """1 with a failing check (or, with `strict`, a warning); else 0."""
    bad = {Status.FAIL, Status.WARN} if strict else {Status.FAIL}
    return ExitStatus.FAILED if any(c.status in bad for c in checks) else ExitStatus.OK
