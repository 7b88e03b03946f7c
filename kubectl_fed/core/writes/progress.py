"""How far one member's writes got, readable while they run: what Ctrl-C and SIGTERM report.

A member's operation records each object's outcome as it has it; when the run is
interrupted, the member's result tells the objects done (printed as usual), the one
whose call was under way (outcome unknown) and those never sent, and the writes stop
before the next object.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kubectl_fed.core.kinds import NAMESPACE
from kubectl_fed.core.members.fanout import INTERRUPTED_RUNNING
from kubectl_fed.core.members.results import ClusterError, ClusterResult, Reason
from kubectl_fed.core.writes.plans import Outcome


@dataclass
class Progress:
    """One member's writes: `total` objects, the outcomes so far."""

    total: int
    outcomes: list[Outcome] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def record(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def stop(self) -> None:
        self._stop.set()

    def interrupted(self, cluster: str) -> ClusterResult[list[Outcome]]:
        """The result of a member stopped part-way: its outcomes so far, and counts."""
        done = list(self.outcomes)  # a snapshot: the abandoned writer may still append
        objects = sum(1 for outcome in done if outcome.target.kind != NAMESPACE)
        if self.total <= 1 and objects == 0:
            message = INTERRUPTED_RUNNING
        else:
            parts = [f"{objects} of {self.total} objects done"]
            under_way = 1 if objects < self.total else 0  # else it was waiting (delete --wait)
            if under_way:
                parts.append("1 sent and may still complete (its outcome is unknown)")
            parts.append(f"{self.total - objects - under_way} never sent")
            message = ", ".join(parts)
        return ClusterResult(cluster, done, ClusterError(Reason.INTERRUPTED, message))


def progress_for(per_member: Mapping[str, Sequence[object]]) -> dict[str, Progress]:
    return {cluster: Progress(len(objects)) for cluster, objects in per_member.items()}


def with_progress(
    results: Sequence[ClusterResult[list[Outcome]]], progress: Mapping[str, Progress]
) -> list[ClusterResult[list[Outcome]]]:
    """`results` with each member interrupted mid-way told object by object; every
    member's writes are stopped before their next object."""
    if not any(r.error and r.error.reason is Reason.INTERRUPTED for r in results):
        return list(results)
    for member in progress.values():
        member.stop()
    return [
        progress[result.cluster].interrupted(result.cluster)
        if result.error is not None
        and result.error.message == INTERRUPTED_RUNNING
        and result.cluster in progress
        else result
        for result in results
    ]
