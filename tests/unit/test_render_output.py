"""FederatedList documents, -o name, and the result/error lines of mutating verbs."""

from __future__ import annotations

import json
from typing import Any

import yaml

from kubectl_fed.core.kinds import INGRESS, SERVICE
from kubectl_fed.core.members.results import ClusterError, ClusterResult, Reason
from kubectl_fed.core.status.listing import Entry, View
from kubectl_fed.core.writes.plans import Action, Outcome, Target
from kubectl_fed.render import machine
from kubectl_fed.render.lines import outcome_lines
from tests.support.members import MEMBERS


def test_view_document_in_member_order_with_errors() -> None:
    obj = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"}}
    view = View(
        entries=[
            Entry("europe-west1", INGRESS, "default", "i", obj),
            Entry("us-central1", INGRESS, "default", "i", None),
        ]
    )
    results: list[ClusterResult[object]] = [
        ClusterResult("us-central1", value=[]),
        ClusterResult("europe-west1", value=[]),
        ClusterResult("asia-east1", error=ClusterError(Reason.UNREACHABLE, "connection refused")),
    ]
    document = machine.view_document(results, view, MEMBERS)
    assert document == {
        "apiVersion": "kubectl-fed/v1",
        "kind": "FederatedList",
        "items": [{"cluster": "europe-west1", "object": obj}],
        "errors": [
            {
                "cluster": "us-central1",
                "reason": "NotFound",
                "message": 'ingresses.networking.k8s.io "i" not found',
            },
            {"cluster": "asia-east1", "reason": "Unreachable", "message": "connection refused"},
        ],
    }
    assert json.loads(machine.to_json(document)) == document
    assert yaml.safe_load(machine.to_yaml(document)) == document
    assert machine.to_yaml(document).startswith("apiVersion: kubectl-fed/v1\nerrors:\n")


def test_names_once_in_first_seen_order() -> None:
    assert machine.names(["service/b", "service/a", "service/b"]) == "service/b\nservice/a"


def test_outcome_lines_object_by_object() -> None:
    ing = Target(INGRESS, "default", "myingress")
    svc = Target(SERVICE, "default", "nginx")
    forbidden = ClusterError(Reason.FORBIDDEN, 'services "nginx" is forbidden: no')
    results = [
        ClusterResult(
            "us-central1",
            value=[Outcome(ing, Action.CREATE), Outcome(svc, Action.ADOPT)],
        ),
        ClusterResult(
            "europe-west1",
            value=[Outcome(ing, Action.UNCHANGED), Outcome(svc, error=forbidden)],
        ),
        ClusterResult("asia-east1", error=ClusterError(Reason.TIMEOUT, "no answer within 10s")),
    ]
    lines = outcome_lines(results, " (dry run)")
    assert lines.out == [
        "us-central1: ingress.networking.k8s.io/myingress created (dry run)",
        "europe-west1: ingress.networking.k8s.io/myingress unchanged (dry run)",
        "us-central1: service/nginx adopted (dry run)",
    ]
    assert lines.err == [
        'error: cluster europe-west1: service default/nginx: forbidden: services "nginx" is '
        "forbidden: no",
        "error: cluster asia-east1: timeout: no answer within 10s",
    ]
    assert outcome_lines(results, names_only=True).out == [
        "ingress.networking.k8s.io/myingress",
        "service/nginx",
    ]


def test_machine_output_leaves_managed_fields_out_as_kubectl_does() -> None:
    managed = [{"manager": "kubectl-fed", "operation": "Apply"}]
    obj: dict[str, Any] = {"kind": "Service", "metadata": {"name": "web", "managedFields": managed}}
    document = machine.federated_list([machine.Item("us-central1", obj)], [])
    assert document["items"][0]["object"] == {"kind": "Service", "metadata": {"name": "web"}}
    assert obj["metadata"]["managedFields"] == managed  # the member's copy is untouched
