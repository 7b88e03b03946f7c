"""`create` hands its fields to kubectl-fed's Apply entry even when a controller writes
the object between the create and the hand-over (GLBC, a status update)."""

from __future__ import annotations

import copy
import json
from typing import Any

from kubectl_fed.backends.kube import KubeBackend
from kubectl_fed.backends.kube_transport import Request, Response

MANAGER = "kubectl-fed"
OURS = {"manager": MANAGER, "operation": "Update", "fieldsV1": {"f:spec": {}}}
GLBC = {"manager": "glbc", "operation": "Update", "fieldsV1": {"f:metadata": {}}}


def ingress(version: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "resourceVersion": version,
            "managedFields": copy.deepcopy(entries),
        },
    }


class Server:
    """Answers the create with `created`; the object is `now` from then on (a controller
    wrote it). JSON patches are applied to `now` (test and replace operations)."""

    def __init__(self, now: list[dict[str, Any]]) -> None:
        self.requests: list[Request] = []
        self.created = ingress("1", [OURS])
        self.now = ingress("2", now)

    def __call__(self, request: Request, timeout: float) -> Response:
        self.requests.append(request)
        if request.method == "POST":
            return self.answer(201, self.created)
        if request.method == "GET":
            return self.answer(200, self.now)
        patched = copy.deepcopy(self.now)
        for operation in request.body:
            *parents, last = operation["path"].strip("/").split("/")
            node: Any = patched
            for part in parents:
                node = node[int(part)] if isinstance(node, list) else node[part]
            key = int(last) if isinstance(node, list) else last
            if operation["op"] == "test" and node[key] != operation["value"]:
                return self.answer(422, {"kind": "Status", "reason": "Invalid", "message": "test"})
            if operation["op"] == "replace":
                node[key] = operation["value"]
        self.now = patched
        return self.answer(200, patched)

    @staticmethod
    def answer(status: int, body: dict[str, Any]) -> Response:
        return Response(status, json.dumps(body).encode())


def owners(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["manager"], e["operation"]) for e in result["metadata"]["managedFields"]]


def test_a_controller_write_in_between_neither_fails_the_hand_over_nor_is_lost() -> None:
    server = Server([OURS, GLBC])
    backend = KubeBackend("m", server, request_timeout=5, sleep=lambda _s: None)
    result = backend.create_as_applied(ingress("", []), field_manager=MANAGER)
    assert [r.method for r in server.requests] == ["POST", "PATCH"]
    assert owners(result) == [(MANAGER, "Apply"), ("glbc", "Update")]


def test_the_hand_over_is_tried_again_when_the_entry_moved() -> None:
    server = Server([GLBC, OURS])
    backend = KubeBackend("m", server, request_timeout=5, sleep=lambda _s: None)
    result = backend.create_as_applied(ingress("", []), field_manager=MANAGER)
    assert [r.method for r in server.requests] == ["POST", "PATCH", "GET", "PATCH"]
    assert owners(result) == [("glbc", "Update"), (MANAGER, "Apply")]
