"""Text of per-cluster errors on stderr (DESIGN.md section 1), one line per problem:
`error: cluster asia-east1: ingress default/myingress: forbidden: ...`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubectl_fed.core.results import ClusterError, ClusterResult, Reason

_WORDS = {
    Reason.NOT_FOUND: "not found",
    Reason.ALREADY_EXISTS: "already exists",
    Reason.SERVER_ERROR: "server error",
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
    return f"error: cluster {cluster}: {about}{detail}"


def error_lines(results: Sequence[ClusterResult[Any]], subject: str | None = None) -> list[str]:
    return [error_line(r.cluster, r.error, subject) for r in results if r.error is not None]


def interrupted_summary(results: Sequence[ClusterResult[Any]]) -> str | None:
    """The Ctrl-C line: "interrupted: done on a, b; not finished on c"."""
    pending = [r.cluster for r in results if r.error and r.error.reason is Reason.INTERRUPTED]
    if not pending:
        return None
    done = [r.cluster for r in results if r.cluster not in pending]
    return (
        f"interrupted: done on {', '.join(done) or 'no cluster'}; "
        f"not finished on {', '.join(pending)}"
    )
