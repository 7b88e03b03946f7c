"""How a federated Ingress reaches the members so that all of them share one IP.

Federation v1's way: create it in the first healthy member, wait until GLBC has given
it an address and named the reservation (`ingress.kubernetes.io/static-ip`), then create
it in the others with `kubernetes.io/ingress.global-static-ip-name` set to that name.
The wait is skipped when the name is already known: given by the user, or found on a
copy a member already has (a later apply). `--no-wait`, dry runs and Ingresses GLBC
does not serve go everywhere at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubectl_fed.core.ingress.glbc_uid import is_gce_ingress
from kubectl_fed.core.kinds import INGRESS
from kubectl_fed.core.manifests.load import Manifest
from kubectl_fed.core.model.glbc_annotations import (
    GLOBAL_STATIC_IP_ANNOTATION,
    STATIC_IP_ANNOTATION,
)
from kubectl_fed.core.model.markers import ROLLOUT_PENDING_ANNOTATION, annotated
from kubectl_fed.core.model.objects import Key, KubeObject, annotations_of


@dataclass(frozen=True)
class Rollout:
    """For one Ingress: the member that goes first (None: every member at once) and the
    static-ip name the others get (None: known only once the leader has one)."""

    namespace: str
    name: str
    leader: str | None = None
    static_ip: str | None = None

    @property
    def key(self) -> Key:
        return (self.namespace, self.name)

    @property
    def waits(self) -> bool:
        return self.leader is not None and self.static_ip is None


def annotation(obj: Mapping[str, Any] | None, key: str) -> str | None:
    annotations = annotations_of(obj)
    value = annotations.get(key)
    return str(value) if value else None


def plan_rollout(
    manifest: Manifest,
    members: Sequence[str],
    live: Mapping[str, KubeObject | None],
    *,
    wait: bool,
) -> Rollout:
    """`live`: the copy each member has now (None: none). `wait` False for `--no-wait`
    and dry runs."""
    everywhere = Rollout(manifest.namespace, manifest.name)
    if not members or not is_gce_ingress(manifest.obj):
        return everywhere
    if annotation(manifest.obj, GLOBAL_STATIC_IP_ANNOTATION):
        return everywhere  # the user's own reserved address: used as is
    for cluster in members:
        named = annotation(live.get(cluster), STATIC_IP_ANNOTATION)
        if named:
            owner = None if annotation(live.get(cluster), GLOBAL_STATIC_IP_ANNOTATION) else cluster
            return Rollout(manifest.namespace, manifest.name, owner, named)
    if not wait:
        return everywhere
    return Rollout(manifest.namespace, manifest.name, members[0])


def plan_rollouts(
    manifests: Sequence[Manifest],
    members: Sequence[str],
    live: Mapping[str, Mapping[Key, KubeObject]],
    *,
    wait: bool,
) -> dict[Key, Rollout]:
    """A rollout per Ingress manifest; `live` is every member's Ingresses by key."""
    rollouts = {}
    for manifest in manifests:
        if manifest.kind != INGRESS:
            continue
        key = (manifest.namespace, manifest.name)
        copies = {cluster: live.get(cluster, {}).get(key) for cluster in members}
        rollouts[key] = plan_rollout(manifest, members, copies, wait=wait)
    return rollouts


def for_follower(obj: Mapping[str, Any], static_ip: str) -> KubeObject:
    """A member's copy that takes the leader's address instead of reserving its own."""
    return annotated(obj, {GLOBAL_STATIC_IP_ANNOTATION: static_ip})


def with_pending(obj: Mapping[str, Any], followers: Sequence[str]) -> KubeObject:
    """The leader's copy marked as the leader of a rollout the `followers` still wait for."""
    return annotated(obj, {ROLLOUT_PENDING_ANNOTATION: ",".join(followers)})


def without_pending(obj: Mapping[str, Any]) -> KubeObject:
    return annotated(obj, {}, removed=(ROLLOUT_PENDING_ANNOTATION,))


def ready_static_ip(ingress: Mapping[str, Any] | None) -> str | None:
    """The static-ip name once GLBC has given the leader's copy an address, else None."""
    if ingress is None:
        return None
    points = ((ingress.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    has_address = any(point.get("ip") or point.get("hostname") for point in points)
    return annotation(ingress, STATIC_IP_ANNOTATION) if has_address else None


# The reasons GLBC gives a Warning that no waiting will cure.
GLBC_WARNINGS = frozenset({"Translate", "Sync"})


def last_glbc_event(events: Sequence[Mapping[str, Any]], uid: str) -> Mapping[str, Any] | None:
    """GLBC's latest event about the copy with `uid`: a Translate/Sync warning or any
    Normal event (which means it went on past the warning)."""
    if not uid:
        return None
    about = [
        event
        for event in events
        if (event.get("involvedObject") or {}).get("uid") == uid
        and (event.get("reason") in GLBC_WARNINGS or event.get("type") == "Normal")
    ]
    about.sort(key=lambda event: str(event.get("lastTimestamp") or ""))
    return about[-1] if about else None


def last_glbc_warning(events: Sequence[Mapping[str, Any]], uid: str) -> str | None:
    return warning_text(last_glbc_event(events, uid))


def warning_text(event: Mapping[str, Any] | None) -> str | None:
    """What a Warning event says (None for no event, or a Normal one)."""
    if event is None or event.get("type") != "Warning":
        return None
    return str(event.get("message") or event.get("reason"))


def rollout_leader(copies: Sequence[tuple[str, Mapping[str, Any]]]) -> str | None:
    """Among (member, copy) pairs, the member whose copy leads a pending rollout: the one
    marked so, else the first that does not take another's address."""
    for cluster, obj in copies:
        if annotation(obj, ROLLOUT_PENDING_ANNOTATION):
            return cluster
    return next(
        (cluster for cluster, obj in copies if not annotation(obj, GLOBAL_STATIC_IP_ANNOTATION)),
        copies[0][0] if copies else None,
    )
