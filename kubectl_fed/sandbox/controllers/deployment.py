"""Deployment controller: a ReplicaSet per pod template, rolled out as upstream's does.

One pass follows `syncDeployment` of pkg/controller/deployment (Kubernetes v1.32): a
deleted Deployment only gets its status; a paused one or a resize scales its ReplicaSets
(proportionally while a rollout is in flight); otherwise the RollingUpdate strategy grows
the new ReplicaSet within maxSurge and shrinks old ones within maxUnavailable (unhealthy
replicas first), and Recreate scales the old ones to zero and waits for their pods to go
before creating the new one. Status carries the counts, the Available condition and the
Progressing one (ReplicaSetUpdated, NewReplicaSetAvailable, ProgressDeadlineExceeded).
"""

from __future__ import annotations

import contextlib
import copy
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from kubectl_fed.sandbox.apiserver.errors import ApiError
from kubectl_fed.sandbox.apiserver.humanize import format_label_selector
from kubectl_fed.sandbox.apiserver.selectors import label_matcher
from kubectl_fed.sandbox.apiserver.store import Store
from kubectl_fed.sandbox.controllers import deployment_conditions as conditions
from kubectl_fed.sandbox.controllers import deployment_status, rollout
from kubectl_fed.sandbox.controllers.deployment_sets import DeploymentSets, controller_reference
from kubectl_fed.sandbox.controllers.events import EventRecorder
from kubectl_fed.sandbox.controllers.pods import controller_uid

JSON = dict[str, Any]
Fingerprint = tuple[str, tuple[tuple[str, str], ...]]


class DeploymentController:
    resources = frozenset({"deployments", "replicasets", "pods"})

    def __init__(self, store: Store) -> None:
        self._store = store
        self._events = EventRecorder(store, "deployment-controller")
        # what each settled Deployment and its ReplicaSets looked like when a pass last left
        # them as they were: such a Deployment is skipped until one of them changes
        self._settled: dict[str, Fingerprint] = {}

    def reconcile(self) -> float | None:
        deployments = self._store.list("deployments", copies=False)
        owned: dict[str, list[JSON]] = defaultdict(list)
        orphans: list[JSON] = []
        for replica_set in self._store.list("replicasets", copies=False):
            owner = controller_uid(replica_set)
            if owner:
                owned[owner].append(replica_set)
            elif not replica_set["metadata"].get("deletionTimestamp"):
                orphans.append(replica_set)
        due: float | None = None
        settled: dict[str, Fingerprint] = {}
        for stored in deployments:
            uid = stored["metadata"]["uid"]
            mark = _fingerprint(stored, owned.get(uid, []))
            if not orphans and self._settled.get(uid) == mark:
                settled[uid] = mark
                continue
            with contextlib.suppress(ApiError):  # changed meanwhile: the next pass retries
                deployment = copy.deepcopy(stored)
                sets = [copy.deepcopy(rs) for rs in owned.get(uid, [])]
                sets += self._adopt(deployment, orphans)
                wait = _Sync(self._store, self._events, deployment, sets).run()
                if wait is not None:
                    due = wait if due is None else min(due, wait)
                elif rollout.strategy_type(deployment) != "Recreate":  # Recreate awaits pods
                    settled[uid] = mark  # a pass that wrote changed the mark: it comes back
        self._settled = settled
        return due

    def _adopt(self, deployment: JSON, orphans: list[JSON]) -> list[JSON]:
        """Orphaned ReplicaSets the Deployment's selector matches become its own."""
        meta = deployment["metadata"]
        selector = (deployment.get("spec") or {}).get("selector")
        if meta.get("deletionTimestamp") or not selector:
            return []
        matches = label_matcher(format_label_selector(selector))
        adopted = []
        for orphan in [o for o in orphans if o["metadata"]["namespace"] == meta["namespace"]]:
            if not matches(orphan):
                continue
            orphans.remove(orphan)
            claimed = copy.deepcopy(orphan)
            references = claimed["metadata"].setdefault("ownerReferences", [])
            references.append(controller_reference(deployment))
            adopted.append(
                self._store.update("replicasets", meta["namespace"], _name(orphan), claimed)
            )
        return adopted


class _Sync:
    """One pass over one Deployment; its status is written once, at the end."""

    def __init__(
        self, store: Store, events: EventRecorder, deployment: JSON, owned: list[JSON]
    ) -> None:
        self.store, self.d = store, deployment
        self.stored_status = copy.deepcopy(deployment.get("status") or {})
        self.d.setdefault("status", {})
        self.sets = DeploymentSets(store, events, deployment, owned)

    @property
    def desired(self) -> int:
        return rollout.replicas(self.d)

    def run(self) -> float | None:
        if self.d["metadata"].get("deletionTimestamp"):
            new, old = self.sets.split(create=False)
            self._write(deployment_status.calculate(self.d, new, old))
            return None
        self._paused_condition()
        if self.d["spec"].get("paused") or self._scaling_event():
            self._resize()
        elif rollout.strategy_type(self.d) == "Recreate":
            self._recreate()
        else:
            self._rolling()
        return deployment_status.due(self.d)

    # ---- pausing and resizing (dc.sync) ---------------------------------------------

    def _paused_condition(self) -> None:
        if not rollout.has_progress_deadline(self.d):
            return
        current = conditions.get(self.d["status"], conditions.PROGRESSING)
        if current is not None and current.get("reason") == conditions.TIMED_OUT:
            return
        shown = current is not None and current.get("reason") == conditions.PAUSED
        paused = bool(self.d["spec"].get("paused"))
        if paused != shown:
            reason = conditions.PAUSED if paused else conditions.RESUMED
            message = "Deployment is paused" if paused else "Deployment is resumed"
            condition = conditions.new(conditions.PROGRESSING, "Unknown", reason, message)
            conditions.put(self.d["status"], condition)

    def _scaling_event(self) -> bool:
        new, old = self.sets.split(create=False)
        for replica_set in _active([*old, new]):
            desired = rollout.annotation(replica_set, rollout.DESIRED_REPLICAS)
            if desired is not None and desired != str(self.desired):
                return True
        return False

    def _resize(self) -> None:
        new, old = self.sets.split(create=False)
        self._scale(new, old)
        if self.d["spec"].get("paused"):
            self.sets.prune(old)
        self._write(deployment_status.calculate(self.d, new, old))

    def _scale(self, new: JSON | None, old: list[JSON]) -> None:
        active = _active([*old, new])
        if len(active) <= 1:
            only = active[0] if active else new or (rollout.by_age(old)[-1] if old else None)
            if only is not None:
                self.sets.scale(only, self.desired)
            return
        if rollout.is_saturated(self.d, new):
            for replica_set in _active(old):
                self.sets.scale(replica_set, 0)
            return
        if rollout.strategy_type(self.d) == "RollingUpdate":
            sizes, direction = rollout.proportional_sizes(self.d, active)
            for replica_set in active:
                self.sets.scale(replica_set, sizes[_name(replica_set)], direction)

    # ---- RollingUpdate -----------------------------------------------------------

    def _rolling(self) -> None:
        new, old = self.sets.split(create=True)
        if new is None:  # a name collision: the next pass tries the next name
            self._write(deployment_status.calculate(self.d, new, old))
            return
        moved = self._grow_new(new, old) or self._shrink_old(new, old)
        if not moved and rollout.complete(self.d, self.d["status"]):
            self.sets.prune(old)
        self._write(deployment_status.rollout_status(self.d, new, old))

    def _grow_new(self, new: JSON, old: list[JSON]) -> bool:
        size = rollout.replicas(new)
        if size == self.desired:
            return False
        if size > self.desired:
            return self.sets.scale(new, self.desired)
        return self.sets.scale(new, rollout.new_replicas(self.d, [*old, new], new))

    def _shrink_old(self, new: JSON, old: list[JSON]) -> bool:
        active_old = _active(old)
        if not rollout.total_replicas(active_old):
            return False
        minimum = self.desired - rollout.max_unavailable(self.d)
        new_unavailable = rollout.replicas(new) - rollout.status_count(new, "availableReplicas")
        most = rollout.total_replicas([*active_old, new]) - minimum - new_unavailable
        if most <= 0:
            return False
        cleaned = self._remove_unhealthy(active_old, most)
        return cleaned + self._scale_down_old(new, active_old, minimum) > 0

    def _remove_unhealthy(self, old: list[JSON], most: int) -> int:
        """Old replicas that are not available go first: they only block the rollout."""
        done = 0
        for replica_set in rollout.by_age(old):
            size = rollout.replicas(replica_set)
            unhealthy = size - rollout.status_count(replica_set, "availableReplicas")
            if done >= most:
                break
            if size == 0 or unhealthy <= 0:
                continue
            count = min(most - done, unhealthy)
            self.sets.scale(replica_set, size - count)
            done += count
        return done

    def _scale_down_old(self, new: JSON, old: list[JSON], minimum: int) -> int:
        available = sum(rollout.status_count(rs, "availableReplicas") for rs in [*old, new])
        goal = available - minimum
        done = 0
        for replica_set in rollout.by_age(old):
            size = rollout.replicas(replica_set)
            if done >= goal:
                break
            if size == 0:
                continue
            count = min(size, goal - done)
            self.sets.scale(replica_set, size - count)
            done += count
        return max(done, 0)

    # ---- Recreate ----------------------------------------------------------------

    def _recreate(self) -> None:
        new, old = self.sets.split(create=False)
        scaled = [self.sets.scale(rs, 0) for rs in _active(old)]
        if any(scaled) or self._old_pods_running(old):
            self._write(deployment_status.rollout_status(self.d, new, old))
            return
        if new is None:
            new, old = self.sets.split(create=True)
        if new is not None:
            self.sets.scale(new, self.desired)
        if rollout.complete(self.d, self.d["status"]):
            self.sets.prune(old)
        self._write(deployment_status.rollout_status(self.d, new, old))

    def _old_pods_running(self, old: list[JSON]) -> bool:
        if sum(rollout.status_count(rs, "replicas") for rs in old):
            return True
        old_uids = {rs["metadata"]["uid"] for rs in old}
        namespace = self.d["metadata"]["namespace"]
        return any(
            controller_uid(pod) in old_uids
            and (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
            for pod in self.store.list("pods", namespace, copies=False)
        )

    def _write(self, status: JSON) -> None:
        namespace, name = self.d["metadata"]["namespace"], _name(self.d)
        if self.sets.revision_changed:
            revision = self.d["metadata"]["annotations"][rollout.REVISION]
            patch = {"metadata": {"annotations": {rollout.REVISION: revision}}}
            self.store.patch("deployments", namespace, name, patch, "merge")
        self.d["status"] = status
        if status != self.stored_status:
            self.store.update("deployments", namespace, name, {"status": status}, "status")


def _fingerprint(deployment: JSON, replica_sets: list[JSON]) -> Fingerprint:
    """The versions of a Deployment and of the ReplicaSets it owns."""
    versions = sorted(
        (rs["metadata"]["uid"], rs["metadata"]["resourceVersion"]) for rs in replica_sets
    )
    return deployment["metadata"]["resourceVersion"], tuple(versions)


def _name(obj: JSON) -> str:
    return str(obj["metadata"]["name"])


def _active(replica_sets: Sequence[JSON | None]) -> list[JSON]:
    """FilterActiveReplicaSets: those that want pods."""
    return [rs for rs in replica_sets if rs is not None and rollout.replicas(rs) > 0]
