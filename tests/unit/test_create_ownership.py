"""`create` hands its fields to kubectl-fed's Apply entry even when a controller writes
the object between the create and the hand-over (GLBC, a status update)."""

from __future__ import annotations

import json
from typing import Any

from kubectl_fed.backends.kube import KubeBackend
from kubectl_fed.backends.kube_transport import Request, Response

MANAGER = "kubectl-fed"


def ingress(version: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "resourceVersion": version,
            "managedFields": entries,
        },
    }


class Server:
    """Answers a create, then a controller's write: the first guarded patch fails."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        ours = {"manager": MANAGER, "operation": "Update", "fieldsV1": {"f:spec": {}}}
        glbc = {"manager": "glbc", "operation": "Update", "fieldsV1": {"f:metadata": {}}}
        self.created = ingress("1", [ours])
        self.changed = ingress("2", [ours, glbc])

    def __call__(self, request: Request, timeout: float) -> Response:
        self.requests.append(request)
        if request.method == "POST":
            return self.answer(201, self.created)
        if request.method == "GET":
            return self.answer(200, self.changed)
        version = request.body[0]["value"]
        if version != "2":  # the object moved on: the test operation fails
            return self.answer(422, {"kind": "Status", "reason": "Invalid", "message": "test"})
        done = ingress("3", request.body[1]["value"])
        return self.answer(200, done)

    @staticmethod
    def answer(status: int, body: dict[str, Any]) -> Response:
        return Response(status, json.dumps(body).encode())


def test_the_hand_over_is_tried_again_on_the_object_as_it_is_now() -> None:
    server = Server()
    backend = KubeBackend("m", server, request_timeout=5, sleep=lambda _s: None)
    result = backend.create_as_applied(ingress("", []), field_manager=MANAGER)
    assert [r.method for r in server.requests] == ["POST", "PATCH", "GET", "PATCH"]
    entries = result["metadata"]["managedFields"]
    assert [(e["manager"], e["operation"]) for e in entries] == [
        (MANAGER, "Apply"),
        ("glbc", "Update"),
    ]
