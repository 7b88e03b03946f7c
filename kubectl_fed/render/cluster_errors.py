"""Text of per-cluster errors on stderr (README.md, "Exit status"), one line per problem:
`error: cluster asia-east1: ingress default/myingress: forbidden: ...`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.members.fanout import INTERRUPTED_PENDING, INTERRUPTED_RUNNING
from kubectl_fed.core.members.results import ClusterError, ClusterResult, Reason

_WORDS = {
    Reason.NOT_FOUND: "not found",
    Reason.ALREADY_EXISTS: "already exists",
    Reason.SERVER_ERROR: "server error",
    Reason.BAD_RESPONSE: "invalid response",
    Reason.INTERNAL: "internal error",
}


def reason_word(reason: Reason) -> str:
    return _WORDS.get(reason, reason.value.lower())


def error_line(cluster: str, error: ClusterError, subject: str | None = None) -> str:
    """`subject` names the object, e.g. "ingress default/myingress"; None for none."""
    about = f"{subject}: " if subject else ""
    word = reason_word(error.reason)
    # API messages often start with the reason already ("forbidden: User ..."): say it once.
    said = error.message.lower().startswith(f"{word}:")
    detail = error.message if said else f"{word}: {error.message}"
    return escaped(f"error: cluster {cluster}: {about}{detail}")


def error_lines(results: Sequence[ClusterResult[Any]], subject: str | None = None) -> list[str]:
    return [error_line(r.cluster, r.error, subject) for r in results if r.error is not None]


def interrupted_summary(results: Sequence[ClusterResult[Any]]) -> str | None:
    """The Ctrl-C line: "interrupted: done on a; unknown on b (...); pending on c (...)"."""
    stopped = [r for r in results if r.error and r.error.reason is Reason.INTERRUPTED]
    if not stopped:
        return None
    pending = [r.cluster for r in stopped if r.error and r.error.message == INTERRUPTED_PENDING]
    unknown = [r.cluster for r in stopped if r.error and r.error.message == INTERRUPTED_RUNNING]
    part_way = [r for r in stopped if r.error and r.cluster not in (*pending, *unknown)]
    done = [r.cluster for r in results if r not in stopped]
    parts = [f"done on {', '.join(done) or 'no cluster'}"]
    parts.extend(f"part-way on {r.cluster} ({r.error.message})" for r in part_way if r.error)
    if unknown:
        parts.append(f"unknown on {', '.join(unknown)} (sent, may still complete)")
    if pending:
        parts.append(f"pending on {', '.join(pending)} (never sent)")
    return escaped("interrupted: " + "; ".join(parts))
