"""Bad input never reaches a cluster; adoption of objects made with the real kubectl."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.fed import MARKER_LABEL, Fed
from tests.support.manifests import manifest_file, service_yaml
from tests.support.members import ASIA, EU, US

pytestmark = pytest.mark.subprocess

BAD_MANIFESTS = {
    "daemonset": "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: c}\n",
    "old-ingress": "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n",
    "bad-name": service_yaml("Web_1"),
    "no-ports": service_yaml().replace("  ports:\n    - port: 80\n      targetPort: 8080\n", ""),
    "yaml": "kind: [Service\n",
}


@pytest.mark.parametrize("verb", ["create", "apply", "delete"])
@pytest.mark.parametrize("case", sorted(BAD_MANIFESTS))
def test_bad_manifest_is_exit_2_and_nothing_is_sent(
    fed: Fed, tmp_path: Path, verb: str, case: str
) -> None:
    good = service_yaml("fine")
    path = manifest_file(tmp_path, "bad.yaml", [good, BAD_MANIFESTS[case]])
    fed.clear_requests()
    result = fed.run(verb, "-f", path)
    assert result.status == 2
    assert result.out == ""
    assert len(result.err_lines) == 1
    assert result.err_lines[0].startswith(f"error: {path}: ")
    assert "Traceback" not in result.err
    assert fed.writes() == {name: [] for name in fed.names}
    assert all("fine" not in fed.objects(c, "services") for c in fed.names)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["get", "frobs"], 'error: the server doesn\'t have a resource type "frobs"'),
        (["get", "ing", "x", "-A"], "error: a resource cannot be retrieved by name across all"),
        (["delete", "ingress"], "error: resource(s) were provided, but no name was specified"),
        (["delete"], "error: You must provide one or more resources by argument or filename."),
        (["create", "-f", "missing.yaml"], 'error: the path "missing.yaml" does not exist'),
        (["apply", "-f", "-", "-A"], "error: --all-namespaces cannot be used with apply"),
    ],
)
def test_usage_errors(fed: Fed, args: list[str], message: str) -> None:
    fed.clear_requests()
    result = fed.run(*args, stdin=service_yaml())
    assert result.status == 2
    assert result.err_lines[-1].startswith(message)
    assert fed.writes() == {name: [] for name in fed.names}


def test_namespace_flag_conflict_and_stdin(fed: Fed) -> None:
    conflicting = fed.run("apply", "-f", "-", "-n", "dev", stdin=service_yaml(namespace="prod"))
    assert conflicting.status == 2
    assert conflicting.err == (
        'error: -: document 1: the namespace from the provided object "prod" does not match '
        "the namespace \"dev\". You must pass '--namespace=prod' to perform this operation.\n"
    )
    created = fed.run("create", "-f", "-", "-o", "name", stdin=service_yaml())
    assert (created.status, created.out) == (0, "service/web\n")


def test_no_adopt_refuses_foreign_objects(fed: Fed, tmp_path: Path) -> None:
    foreign = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"ports": [{"port": 80}]},
    }
    fed.sandbox.cluster(EU).store.create("services", "default", foreign)
    result = fed.run(
        "apply", "--no-adopt", "-f", manifest_file(tmp_path, "w.yaml", [service_yaml()])
    )
    assert result.status == 3
    assert result.out_lines == [f"{US}: service/web created", f"{ASIA}: service/web created"]
    assert result.err_lines == [
        f'error: cluster {EU}: service default/web: already exists: services "web" already '
        "exists and is not managed by kubectl-fed (--no-adopt)"
    ]
    assert MARKER_LABEL not in (fed.objects(EU, "services")["web"]["metadata"].get("labels") or {})


def test_delete_by_kind_and_names(fed: Fed, tmp_path: Path) -> None:
    path = manifest_file(tmp_path, "two.yaml", [service_yaml("a"), service_yaml("b")])
    fed.run("create", "-f", path)
    result = fed.run("delete", "svc", "a", "b", "--clusters", US)
    assert result.status == 0, result.err
    assert result.out_lines == [f"{US}: service/a deleted", f"{US}: service/b deleted"]
    assert {"a", "b"} & set(fed.objects(US, "services")) == set()
    assert {"a", "b"} <= set(fed.objects(EU, "services"))


@pytest.mark.kubectl
def test_adopts_an_object_made_with_kubectl(fed: Fed, tmp_path: Path, kubectl_path: str) -> None:
    path = manifest_file(tmp_path, "web.yaml", [service_yaml()])
    kubeconfig = fed.env["KUBECONFIG"] or ""
    # The sandbox serves no OpenAPI document, so kubectl's client-side schema check is off.
    command = ["create", "-f", path, "--validate=false"]
    made = subprocess.run(
        [kubectl_path, "--kubeconfig", kubeconfig, "--context", EU, *command],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    assert MARKER_LABEL not in fed.objects(EU, "services")["web"]["metadata"]["labels"]

    result = fed.run("create", "-f", path)
    assert result.status == 0, result.err
    assert result.out_lines == [
        f"{US}: service/web created",
        f"{EU}: service/web adopted",
        f"{ASIA}: service/web created",
    ]
    adopted = fed.objects(EU, "services")["web"]["metadata"]
    assert adopted["labels"][MARKER_LABEL] == "kubectl-fed"
    assert adopted["annotations"]["kubectl-fed.io/federation"] == "sandbox"
    again = fed.run("apply", "-f", path)
    assert again.out_lines == [f"{c}: service/web unchanged" for c in fed.names]
