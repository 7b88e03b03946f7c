"""Per-cluster outcomes of a fan-out, and how a set of them maps to an exit status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from kubectl_fed.exit_status import ExitStatus

T = TypeVar("T")


class Reason(StrEnum):
    """Why a call to one cluster failed; also the `reason` field of JSON errors."""

    UNREACHABLE = "Unreachable"
    TIMEOUT = "Timeout"
    UNAUTHORIZED = "Unauthorized"
    FORBIDDEN = "Forbidden"
    NOT_FOUND = "NotFound"
    ALREADY_EXISTS = "AlreadyExists"
    CONFLICT = "Conflict"
    INVALID = "Invalid"
    SERVER_ERROR = "ServerError"
    BAD_RESPONSE = "InvalidResponse"
    THROTTLED = "Throttled"
    INTERRUPTED = "Interrupted"
    INTERNAL = "InternalError"


class ClusterCallError(Exception):
    """A failed call to one member cluster, already classified by the backend."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class ClusterError:
    reason: Reason
    message: str


@dataclass(frozen=True)
class ClusterResult(Generic[T]):
    """Exactly one per member cluster: either a value or an error."""

    cluster: str
    value: T | None = None
    error: ClusterError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def interrupted(results: Sequence[ClusterResult[T]]) -> bool:
    return any(r.error is not None and r.error.reason is Reason.INTERRUPTED for r in results)


def exit_status(results: Sequence[ClusterResult[T]]) -> ExitStatus:
    """0 when every cluster succeeded, 1 when none did, 3 when some did, 130 on Ctrl-C."""
    if interrupted(results):
        return ExitStatus.INTERRUPTED
    failures = sum(1 for result in results if not result.ok)
    if failures == 0:
        return ExitStatus.OK
    if failures == len(results):
        return ExitStatus.FAILED
    return ExitStatus.PARTIAL
