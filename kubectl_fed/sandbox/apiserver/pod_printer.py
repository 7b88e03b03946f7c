"""A pod's READY, STATUS and RESTARTS cells, worked out as upstream's printPod does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kubectl_fed.sandbox.apiserver.humanize import human_duration, parse_timestamp
from kubectl_fed.sandbox.apiserver.printers import (
    Cells,
    JsonObject,
    nested,
    object_age,
    object_name,
)


@dataclass
class _PodState:
    reason: str
    ready: int = 0
    restarts: int = 0
    last_restart: datetime | None = None
    sidecar_restarts: int = 0
    sidecar_last_restart: datetime | None = None


def _later(current: datetime | None, status: JsonObject) -> datetime | None:
    finished = parse_timestamp(nested(status, "lastState", "terminated", "finishedAt"))
    if finished is None or (current is not None and finished <= current):
        return current
    return finished


def _is_sidecar(container: JsonObject | None) -> bool:
    return bool(container) and (container or {}).get("restartPolicy") == "Always"


def _has_condition(pod: JsonObject, kind: str, reason: str | None = None) -> bool:
    for condition in nested(pod, "status", "conditions") or []:
        if condition.get("type") != kind:
            continue
        if reason is None and condition.get("status") == "True":
            return True
        if reason is not None and condition.get("reason") == reason:
            return True
    return False


def _terminated_reason(terminated: JsonObject, prefix: str = "") -> str:
    if terminated.get("reason"):
        return prefix + str(terminated["reason"])
    if terminated.get("signal"):
        return f"{prefix}Signal:{terminated['signal']}"
    return f"{prefix}ExitCode:{terminated.get('exitCode', 0)}"


def _scan_init_containers(pod: JsonObject, state: _PodState) -> bool:
    """Accounts init containers; True while the pod is still initializing."""
    specs = nested(pod, "spec", "initContainers") or []
    by_name = {c.get("name"): c for c in specs}
    for index, status in enumerate(nested(pod, "status", "initContainerStatuses") or []):
        sidecar = _is_sidecar(by_name.get(status.get("name")))
        state.restarts += int(status.get("restartCount", 0))
        state.last_restart = _later(state.last_restart, status)
        if sidecar:
            state.sidecar_restarts += int(status.get("restartCount", 0))
            state.sidecar_last_restart = _later(state.sidecar_last_restart, status)
        terminated = nested(status, "state", "terminated")
        waiting_reason = nested(status, "state", "waiting", "reason")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if sidecar and status.get("started"):
            state.ready += 1 if status.get("ready") else 0
            continue
        if terminated is not None:
            state.reason = _terminated_reason(terminated, "Init:")
        elif waiting_reason and waiting_reason != "PodInitializing":
            state.reason = f"Init:{waiting_reason}"
        else:
            state.reason = f"Init:{index}/{len(specs)}"
        return True
    return False


def _scan_containers(pod: JsonObject, state: _PodState) -> None:
    state.restarts, state.last_restart = state.sidecar_restarts, state.sidecar_last_restart
    has_running = False
    for status in reversed(nested(pod, "status", "containerStatuses") or []):
        state.restarts += int(status.get("restartCount", 0))
        state.last_restart = _later(state.last_restart, status)
        terminated = nested(status, "state", "terminated")
        waiting_reason = nested(status, "state", "waiting", "reason")
        if waiting_reason:
            state.reason = str(waiting_reason)
        elif terminated is not None:
            state.reason = _terminated_reason(terminated)
        elif status.get("ready") and nested(status, "state", "running") is not None:
            has_running = True
            state.ready += 1
    if state.reason == "Completed" and has_running:
        state.reason = "Running" if _has_condition(pod, "Ready") else "NotReady"


def _pod_state(pod: JsonObject) -> _PodState:
    phase = str(nested(pod, "status", "phase") or "")
    state = _PodState(reason=str(nested(pod, "status", "reason") or phase))
    if _has_condition(pod, "PodScheduled", reason="SchedulingGated"):
        state.reason = "SchedulingGated"
    initializing = _scan_init_containers(pod, state)
    if not initializing or _has_condition(pod, "Initialized"):
        _scan_containers(pod, state)
    if nested(pod, "metadata", "deletionTimestamp"):
        if nested(pod, "status", "reason") == "NodeLost":
            state.reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            state.reason = "Terminating"
    return state


def _pod_total_containers(pod: JsonObject) -> int:
    sidecars = [c for c in nested(pod, "spec", "initContainers") or [] if _is_sidecar(c)]
    return len(nested(pod, "spec", "containers") or []) + len(sidecars)


def _readiness_gates(pod: JsonObject) -> str:
    gates = nested(pod, "spec", "readinessGates") or []
    if not gates:
        return "<none>"
    conditions = {c.get("type"): c.get("status") for c in nested(pod, "status", "conditions") or []}
    passing = sum(1 for gate in gates if conditions.get(gate.get("conditionType")) == "True")
    return f"{passing}/{len(gates)}"


def pod_cells(pod: JsonObject, now: datetime) -> Cells:
    state = _pod_state(pod)
    restarts = str(state.restarts)
    if state.restarts and state.last_restart is not None:
        restarts = f"{state.restarts} ({human_duration(now - state.last_restart)} ago)"
    pod_ips = nested(pod, "status", "podIPs") or []
    pod_ip = pod_ips[0].get("ip") if pod_ips else nested(pod, "status", "podIP")
    return [
        object_name(pod),
        f"{state.ready}/{_pod_total_containers(pod)}",
        state.reason,
        restarts,
        object_age(pod, now),
        pod_ip or "<none>",
        nested(pod, "spec", "nodeName") or "<none>",
        nested(pod, "status", "nominatedNodeName") or "<none>",
        _readiness_gates(pod),
    ]


def pod_conditions(pod: JsonObject) -> list[JsonObject]:
    phase = nested(pod, "status", "phase")
    messages = {"Succeeded": "The pod has completed successfully.", "Failed": "The pod failed."}
    if phase not in messages:
        return []
    return [{"type": "Completed", "status": "True", "reason": phase, "message": messages[phase]}]
