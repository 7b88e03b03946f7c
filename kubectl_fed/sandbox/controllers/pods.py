"""Scheduler and kubelets of a sandbox cluster: bind pods within node capacity, then
report them Ready after a delay. Pods that do not fit stay Pending, Unschedulable."""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from typing import Any

from kubectl_fed.sandbox.apiserver.errors import ApiError
from kubectl_fed.sandbox.apiserver.store import Store, now_timestamp
from kubectl_fed.sandbox.controllers import nodes as topo
from kubectl_fed.sandbox.controllers.events import NORMAL, WARNING, EventRecorder

JSON = dict[str, Any]
SYSTEM_NAMESPACE = "kube-system"


def condition(kind: str, status: bool, reason: str = "", message: str = "") -> JSON:
    found: JSON = {"type": kind, "status": "True" if status else "False"}
    found.update({"lastProbeTime": None, "lastTransitionTime": now_timestamp()})
    if reason:
        found["reason"] = reason
    if message:
        found["message"] = message
    return found


def conditions_of(pod: JSON) -> dict[str, JSON]:
    return {c["type"]: c for c in (pod.get("status") or {}).get("conditions") or []}


def is_ready(pod: JSON) -> bool:
    return conditions_of(pod).get("Ready", {}).get("status") == "True"


def is_active(pod: JSON) -> bool:
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not is_terminating(pod)


def is_terminating(pod: JSON) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def is_system(pod: JSON) -> bool:
    """kube-system's pods (GKE's default backend) run outside the capacity the simulation
    gives a cluster's workloads, so a cluster of capacity N still holds N of yours."""
    return bool(pod["metadata"].get("namespace") == SYSTEM_NAMESPACE)


def controller_uid(pod: JSON) -> str:
    for owner in pod["metadata"].get("ownerReferences") or []:
        if owner.get("controller"):
            return str(owner.get("uid", ""))
    return ""


def unschedulable_message(node_count: int) -> str:
    return (
        f"0/{node_count} nodes are available: {node_count} Insufficient pods. "
        f"preemption: 0/{node_count} nodes are available: "
        f"{node_count} No preemption victims found for incoming pod."
    )


class PodLifecycle:
    resources = frozenset({"pods", "nodes"})

    def __init__(self, store: Store, ready_delay: float) -> None:
        self._store = store
        self._ready_delay = ready_delay
        self._ready_at: dict[str, float] = {}
        self._stopped_at: dict[str, float] = {}
        self._scheduler = EventRecorder(store, "default-scheduler")

    def reconcile(self) -> float | None:
        nodes = [n for n in self._store.list("nodes") if topo.is_ready(n)]
        listed = self._store.list("pods")
        pods = [p for p in listed if is_active(p)]
        self._schedule(nodes, pods)
        started = self._start_containers(pods)
        stopped = self._stop_containers([p for p in listed if is_terminating(p)])
        return min((due for due in (started, stopped) if due is not None), default=None)

    # --- scheduler -------------------------------------------------------------------

    def _schedule(self, nodes: list[JSON], pods: list[JSON]) -> None:
        usage = Counter(
            p["spec"].get("nodeName")
            for p in pods
            if p["spec"].get("nodeName") and not is_system(p)
        )
        taken = {str((p.get("status") or {}).get("podIP")) for p in pods}
        waiting = [p for p in pods if not p["spec"].get("nodeName")]
        for pod in sorted(
            waiting, key=lambda p: (p["metadata"]["creationTimestamp"], p["metadata"]["name"])
        ):
            node = self._choose(nodes, usage, pods, pod)
            with contextlib.suppress(ApiError):  # deleted meanwhile: nothing to schedule
                if node is None:
                    self._mark_unschedulable(pod, len(nodes))
                    continue
                usage[node["metadata"]["name"]] += 0 if is_system(pod) else 1
                ip = topo.free_pod_ip(node, taken)
                taken.add(ip)
                self._bind(pod, node, ip)

    @staticmethod
    def _choose(nodes: list[JSON], usage: Counter[str], pods: list[JSON], pod: JSON) -> JSON | None:
        """The least loaded node with room, spreading a controller's pods over zones."""
        zone_of_node = {n["metadata"]["name"]: topo.zone_of(n) for n in nodes}
        owner = controller_uid(pod)
        siblings = Counter(
            zone_of_node.get(p["spec"].get("nodeName", ""), "")
            for p in pods
            if owner and controller_uid(p) == owner and p["spec"].get("nodeName")
        )
        room = [n for n in nodes if usage[n["metadata"]["name"]] < topo.allocatable_pods(n)]
        fits = nodes if is_system(pod) else room
        if not fits:
            return None
        return min(
            fits,
            key=lambda n: (
                siblings[topo.zone_of(n)],
                usage[n["metadata"]["name"]],
                n["metadata"]["name"],
            ),
        )

    def _mark_unschedulable(self, pod: JSON, node_count: int) -> None:
        message = unschedulable_message(node_count)
        if conditions_of(pod).get("PodScheduled", {}).get("message") == message:
            return
        status = dict(pod.get("status") or {}, phase="Pending")
        status["conditions"] = [condition("PodScheduled", False, "Unschedulable", message)]
        meta = pod["metadata"]
        self._store.update("pods", meta["namespace"], meta["name"], {"status": status}, "status")
        self._scheduler.record(pod, WARNING, "FailedScheduling", message)

    def _bind(self, pod: JSON, node: JSON, ip: str) -> None:
        meta, node_name = pod["metadata"], node["metadata"]["name"]
        self._store.patch(
            "pods", meta["namespace"], meta["name"], {"spec": {"nodeName": node_name}}
        )
        host_ip = topo.internal_ip(node)
        status = {
            "phase": "Pending",
            "qosClass": (pod.get("status") or {}).get("qosClass", "BestEffort"),
            "conditions": [
                condition("PodScheduled", True),
                condition("Initialized", True),
                condition("ContainersReady", False, "ContainersNotReady"),
                condition("Ready", False, "ContainersNotReady"),
            ],
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": now_timestamp(),
            "containerStatuses": [
                _container_status(c, {"waiting": {"reason": "ContainerCreating"}}, False)
                for c in pod["spec"].get("containers") or []
            ],
        }
        self._store.update("pods", meta["namespace"], meta["name"], {"status": status}, "status")
        message = f"Successfully assigned {meta['namespace']}/{meta['name']} to {node_name}"
        self._scheduler.record(pod, NORMAL, "Scheduled", message)
        self._ready_at[meta["uid"]] = time.monotonic() + self._ready_delay

    # --- kubelet ---------------------------------------------------------------------

    def _start_containers(self, pods: list[JSON]) -> float | None:
        now = time.monotonic()
        live = {p["metadata"]["uid"] for p in pods}
        self._ready_at = {uid: at for uid, at in self._ready_at.items() if uid in live}
        due: float | None = None
        for pod in pods:
            if not pod["spec"].get("nodeName") or is_ready(pod):
                continue
            at = self._ready_at.setdefault(pod["metadata"]["uid"], now + self._ready_delay)
            if at <= now:
                with contextlib.suppress(ApiError):
                    self._mark_ready(pod)
            else:
                due = at - now if due is None else min(due, at - now)
        return due

    def _stop_containers(self, pods: list[JSON]) -> float | None:
        """A deleted pod's containers stop after `ready_delay` (well within any grace
        period); the kubelet then deletes the pod with grace period 0, as upstream's does."""
        now = time.monotonic()
        waiting = {
            p["metadata"]["uid"] for p in pods if p["metadata"].get("deletionGracePeriodSeconds")
        }
        self._stopped_at = {uid: at for uid, at in self._stopped_at.items() if uid in waiting}
        due: float | None = None
        for pod in pods:
            meta = pod["metadata"]
            if meta["uid"] not in waiting:
                continue
            at = self._stopped_at.setdefault(meta["uid"], now + self._ready_delay)
            if at <= now:
                with contextlib.suppress(ApiError):
                    self._store.delete("pods", meta["namespace"], meta["name"], grace_period=0)
            else:
                due = at - now if due is None else min(due, at - now)
        return due

    def _mark_ready(self, pod: JSON) -> None:
        meta = pod["metadata"]
        status = dict(pod.get("status") or {}, phase="Running")
        status["conditions"] = [
            condition(kind, True)
            for kind in (
                "PodReadyToStartContainers",
                "Initialized",
                "Ready",
                "ContainersReady",
                "PodScheduled",
            )
        ]
        started = {"running": {"startedAt": now_timestamp()}}
        status["containerStatuses"] = [
            _container_status(c, started, True) for c in pod["spec"].get("containers") or []
        ]
        self._store.update("pods", meta["namespace"], meta["name"], {"status": status}, "status")
        self._ready_at.pop(meta["uid"], None)


def _container_status(container: JSON, state: JSON, ready: bool) -> JSON:
    image = str(container.get("image", ""))
    return {
        "name": container.get("name", ""),
        "image": image,
        "imageID": f"{image.split(':')[0]}@sha256:{'0' * 64}" if ready else "",
        "containerID": f"containerd://{'0' * 64}" if ready else "",
        "ready": ready,
        "started": ready,
        "restartCount": 0,
        "state": state,
    }
