"""The ReplicaSets of one Deployment: find or create the one for its template, resize them
with upstream's events, and prune old empty ones (pkg/controller/deployment, v1.32)."""

from __future__ import annotations

import copy
from typing import Any

from kubectl_fed.sandbox.apiserver.errors import ApiError
from kubectl_fed.sandbox.apiserver.store import Store
from kubectl_fed.sandbox.controllers import deployment_conditions as conditions
from kubectl_fed.sandbox.controllers import pod_templates as templates
from kubectl_fed.sandbox.controllers import rollout
from kubectl_fed.sandbox.controllers.events import NORMAL, EventRecorder
from kubectl_fed.sandbox.controllers.pods import controller_uid

JSON = dict[str, Any]

# deployment annotations never copied to its ReplicaSets (annotationsToSkip upstream)
_NOT_COPIED = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        rollout.REVISION,
        rollout.REVISION_HISTORY,
        rollout.DESIRED_REPLICAS,
        rollout.MAX_REPLICAS,
        "deprecated.deployment.rollback.to",
    }
)


class DeploymentSets:
    """`deployment` is a working copy: status and annotation changes collect on it."""

    def __init__(
        self, store: Store, events: EventRecorder, deployment: JSON, owned: list[JSON]
    ) -> None:
        self.store, self.events, self.deployment = store, events, deployment
        self.all = rollout.by_age(owned)
        self.revision_changed = False

    @property
    def namespace(self) -> str:
        return str(self.deployment["metadata"]["namespace"])

    def split(self, create: bool) -> tuple[JSON | None, list[JSON]]:
        """(the ReplicaSet of the current template, the others), creating it if asked."""
        template = self.deployment["spec"].get("template") or {}
        new = next(
            (rs for rs in self.all if templates.equal_ignoring_hash(_template(rs), template)),
            None,
        )
        old = [rs for rs in self.all if rs is not new]
        next_revision = max((rollout.revision(rs) for rs in old), default=0) + 1
        if new is not None:
            self._adopt_revision(new, next_revision)
            return new, old
        if not create:
            return None, old
        created = self._create(old, next_revision)
        if created is not None:
            self.all.append(created)
        return created, old

    def _adopt_revision(self, found: JSON, next_revision: int) -> None:
        """The existing new ReplicaSet (updated in place): annotations synced, its revision
        the Deployment's."""
        updated = copy.deepcopy(found)
        changed = self._annotate(updated, next_revision, exists=True)
        ready_seconds = self.deployment["spec"].get("minReadySeconds", 0)
        if changed or updated["spec"].get("minReadySeconds", 0) != ready_seconds:
            updated["spec"]["minReadySeconds"] = ready_seconds
            _replace(found, self._write(updated))
        self._set_revision(rollout.revision(found))
        status = self.deployment.setdefault("status", {})
        if rollout.has_progress_deadline(self.deployment) and not conditions.get(
            status, conditions.PROGRESSING
        ):
            message = f'Found new replica set "{_name(found)}"'
            conditions.put(
                status,
                conditions.new(conditions.PROGRESSING, "True", conditions.FOUND_NEW_RS, message),
            )

    def _create(self, old: list[JSON], next_revision: int) -> JSON | None:
        spec = self.deployment["spec"]
        status = self.deployment.setdefault("status", {})
        hash_value = templates.template_hash(spec["template"], status.get("collisionCount", 0))
        template = templates.with_hash_label(spec["template"], hash_value)
        selector = copy.deepcopy(spec.get("selector") or {})
        selector.setdefault("matchLabels", {})[templates.HASH_LABEL] = hash_value
        meta = self.deployment["metadata"]
        new: JSON = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": f"{meta['name']}-{hash_value}",
                "namespace": self.namespace,
                "labels": template["metadata"]["labels"],
                "ownerReferences": [controller_reference(self.deployment)],
            },
            "spec": {
                "replicas": 0,
                "minReadySeconds": spec.get("minReadySeconds", 0),
                "selector": selector,
                "template": template,
            },
        }
        new["spec"]["replicas"] = rollout.new_replicas(self.deployment, [*old, new], new)
        self._annotate(new, next_revision, exists=False)
        try:
            created = self.store.create("replicasets", self.namespace, new)
        except ApiError as err:
            if err.reason != "AlreadyExists":
                raise
            found = self._existing(new)
            if found is not None:
                self._set_revision(rollout.revision(found))
            return found
        if rollout.replicas(created):
            message = f"Scaled up replica set {_name(created)} to {rollout.replicas(created)}"
            self.events.record(self.deployment, NORMAL, "ScalingReplicaSet", message)
        self._set_revision(next_revision)
        if rollout.has_progress_deadline(self.deployment):
            message = f'Created new replica set "{_name(created)}"'
            conditions.put(
                status,
                conditions.new(conditions.PROGRESSING, "True", conditions.NEW_RS_CREATED, message),
            )
        return created

    def _existing(self, wanted: JSON) -> JSON | None:
        """A ReplicaSet of the new name exists: ours if it is owned and the same template,
        else a hash collision, counted in status.collisionCount for the next name."""
        found = self.store.get("replicasets", self.namespace, _name(wanted))
        if controller_uid(found) == self.deployment["metadata"][
            "uid"
        ] and templates.equal_ignoring_hash(_template(found), _template(wanted)):
            return found
        status = self.deployment.setdefault("status", {})
        status["collisionCount"] = int(status.get("collisionCount", 0)) + 1
        return None

    def _annotate(self, replica_set: JSON, next_revision: int, *, exists: bool) -> bool:
        """SetNewReplicaSetAnnotations: copy the Deployment's annotations, raise the revision
        (keeping the ones it had in revision-history), and the replica annotations."""
        annotations = replica_set["metadata"].setdefault("annotations", {})
        before = dict(annotations)
        for key, value in (self.deployment["metadata"].get("annotations") or {}).items():
            if key not in _NOT_COPIED:
                annotations[key] = value
        had = annotations.get(rollout.REVISION)
        if rollout.revision(replica_set) < next_revision:
            annotations[rollout.REVISION] = str(next_revision)
            if had is not None:
                history = [r for r in annotations.get(rollout.REVISION_HISTORY, "").split(",") if r]
                annotations[rollout.REVISION_HISTORY] = ",".join([*history, had])
        if not exists:
            self._replica_annotations(replica_set)
        return bool(annotations != before)

    def _replica_annotations(self, replica_set: JSON) -> bool:
        desired = rollout.replicas(self.deployment)
        wanted = {
            rollout.DESIRED_REPLICAS: str(desired),
            rollout.MAX_REPLICAS: str(desired + rollout.max_surge(self.deployment)),
        }
        annotations = replica_set["metadata"].setdefault("annotations", {})
        if all(annotations.get(key) == value for key, value in wanted.items()):
            return False
        annotations.update(wanted)
        return True

    def _set_revision(self, value: int) -> None:
        annotations = self.deployment["metadata"].setdefault("annotations", {})
        if annotations.get(rollout.REVISION) != str(value):
            annotations[rollout.REVISION] = str(value)
            self.revision_changed = True

    def scale(self, replica_set: JSON, size: int, direction: str = "") -> bool:
        """Resize one ReplicaSet (and refresh its replica annotations); True if resized."""
        before = rollout.replicas(replica_set)
        updated = copy.deepcopy(replica_set)
        annotated = self._replica_annotations(updated)
        if before == size and not annotated:
            return False
        updated["spec"]["replicas"] = size
        _replace(replica_set, self._write(updated))
        if before != size:
            direction = direction or ("up" if size > before else "down")
            message = f"Scaled {direction} replica set {_name(replica_set)} to {size} from {before}"
            self.events.record(self.deployment, NORMAL, "ScalingReplicaSet", message)
        return before != size

    def _write(self, replica_set: JSON) -> JSON:
        meta = replica_set["metadata"]
        return self.store.update("replicasets", meta["namespace"], meta["name"], replica_set)

    def prune(self, old: list[JSON]) -> None:
        """cleanupDeployment: delete the oldest empty ReplicaSets beyond revisionHistoryLimit."""
        limit = self.deployment["spec"].get("revisionHistoryLimit")
        if limit is None:
            return
        alive = [rs for rs in old if not rs["metadata"].get("deletionTimestamp")]
        surplus = len(alive) - int(limit)
        for replica_set in sorted(alive, key=_revision_order)[: max(surplus, 0)]:
            generation = int(replica_set["metadata"].get("generation", 1))
            if (
                rollout.status_count(replica_set, "replicas")
                or rollout.replicas(replica_set)
                or generation > rollout.status_count(replica_set, "observedGeneration")
            ):
                continue
            self.store.delete("replicasets", self.namespace, _name(replica_set))


def _revision_order(replica_set: JSON) -> tuple[int, str, str]:
    """ReplicaSetsByRevision: by revision, ties by creation time, then name."""
    meta = replica_set["metadata"]
    return rollout.revision(replica_set), meta.get("creationTimestamp", ""), meta["name"]


def _replace(stale: JSON, current: JSON) -> None:
    """Keep the caller's reference current: the lists of a sync hold these dicts."""
    stale.clear()
    stale.update(current)


def _template(replica_set: JSON) -> JSON:
    return dict((replica_set.get("spec") or {}).get("template") or {})


def _name(obj: JSON) -> str:
    return str(obj["metadata"]["name"])


def controller_reference(deployment: JSON) -> JSON:
    meta = deployment["metadata"]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": meta["name"],
        "uid": meta["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }
