"""JSON patch (RFC 6902) on the sandbox API server, answered as kube-apiserver answers it:
a patch that does not apply (a failed `test`, a missing path) is 422 with the generic message
and the patch library's words as the cause; an emptied label or annotation map is not stored."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.clients import Response, raw_request
from tests.support.members import US

pytestmark = [pytest.mark.subprocess, pytest.mark.sandbox]

CONTEXT = US
CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


@pytest.fixture
def sandbox(sandbox_factory: Any) -> SandboxFederation:
    started: SandboxFederation = sandbox_factory(clusters=1)
    body = {
        "metadata": {"name": "c", "labels": {"app": "c"}, "annotations": {"note": "kept"}},
        "data": {"a": "1"},
    }
    created = raw_request(started, started.cluster(CONTEXT), "POST", CONFIGMAPS, body)
    assert created.status == 201, created.text
    return started


def json_patch(sandbox: SandboxFederation, operations: list[dict[str, Any]]) -> Response:
    return raw_request(
        sandbox,
        sandbox.cluster(CONTEXT),
        "PATCH",
        f"{CONFIGMAPS}/c",
        json.dumps(operations),
        headers={"Content-Type": "application/json-patch+json"},
    )


def stored(sandbox: SandboxFederation) -> dict[str, Any]:
    obj: dict[str, Any] = sandbox.cluster(CONTEXT).store.get("configmaps", "default", "c")
    return obj


def test_a_failed_test_operation_is_422_and_changes_nothing(sandbox: SandboxFederation) -> None:
    before = stored(sandbox)
    answer = json_patch(
        sandbox,
        [
            {"op": "test", "path": "/metadata/annotations/note", "value": "changed"},
            {"op": "remove", "path": "/metadata/annotations/note"},
        ],
    )
    assert answer.status == 422
    assert answer.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the server rejected our request due to an error in our request",
        "reason": "Invalid",
        "details": {
            "causes": [
                {
                    "reason": "UnexpectedServerResponse",
                    "message": "testing value /metadata/annotations/note failed: test failed",
                }
            ]
        },
        "code": 422,
    }
    assert stored(sandbox) == before
    missing = json_patch(sandbox, [{"op": "remove", "path": "/metadata/annotations/gone"}])
    assert missing.status == 422 and missing.json()["reason"] == "Invalid"


def test_removing_the_last_key_stores_no_empty_map(sandbox: SandboxFederation) -> None:
    answer = json_patch(
        sandbox,
        [
            {"op": "test", "path": "/metadata/annotations/note", "value": "kept"},
            {"op": "remove", "path": "/metadata/annotations/note"},
            {"op": "remove", "path": "/metadata/labels/app"},
        ],
    )
    assert answer.status == 200, answer.text
    metadata = stored(sandbox)["metadata"]
    assert "annotations" not in metadata and "labels" not in metadata
    assert "annotations" not in answer.json()["metadata"]


@pytest.mark.kubectl
def test_kubectl_patch_reports_the_failed_test(
    sandbox: SandboxFederation, kubectl_path: str, tmp_path: Path
) -> None:
    patch = [{"op": "test", "path": "/data/a", "value": "2"}, {"op": "remove", "path": "/data/a"}]
    patch_text = json.dumps(patch)
    ran = subprocess.run(
        [kubectl_path, f"--context={CONTEXT}", "patch", "cm", "c", "--type=json", "-p", patch_text],
        env={"KUBECONFIG": str(sandbox.kubeconfig_path), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 1, ran.stdout
    assert "testing value /data/a failed: test failed" in ran.stderr
    assert stored(sandbox)["data"] == {"a": "1"}
