"""Result lines of mutating verbs: one per cluster per object on stdout, errors on stderr.

`us-central1: ingress.networking.k8s.io/myingress created (dry run)`
`error: cluster asia-east1: ingress default/myingress: forbidden: ...`
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.members.results import ClusterResult
from kubectl_fed.core.writes.plans import Outcome, Target
from kubectl_fed.render.cluster_errors import error_line


@dataclass
class Lines:
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)


def result_line(cluster: str, ref: str, word: str, suffix: str = "") -> str:
    return escaped(f"{cluster}: {ref} {word}{suffix}")


def outcome_lines(
    results: Sequence[ClusterResult[list[Outcome]]], suffix: str = "", names_only: bool = False
) -> Lines:
    """Object by object (in input order), each in member order; member-wide errors apart.

    `names_only` prints each successful object's `resource/name` once (`-o name`).
    """
    lines = Lines()
    for cluster, outcome in _object_major(results):
        if outcome.error is not None:
            lines.err.append(error_line(cluster, outcome.error, outcome.target.subject))
        elif names_only:
            lines.out.append(outcome.target.ref)
        elif outcome.action is not None:
            lines.out.append(result_line(cluster, outcome.target.ref, outcome.action, suffix))
    lines.out = list(dict.fromkeys(lines.out)) if names_only else lines.out
    lines.err.extend(error_line(r.cluster, r.error) for r in results if r.error is not None)
    return lines


def _object_major(
    results: Sequence[ClusterResult[list[Outcome]]],
) -> list[tuple[str, Outcome]]:
    pairs = [(r.cluster, outcome) for r in results for outcome in r.value or []]
    order: dict[Target, int] = {}
    for _, outcome in pairs:
        order.setdefault(outcome.target, len(order))
    return sorted(pairs, key=lambda pair: order[pair[1].target])
