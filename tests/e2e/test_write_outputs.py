"""create / apply / delete `-o`: kubectl's `-o name`, and one FederatedList of what was written
(`-o json|yaml|jsonpath=|jsonpath-file=`), valid against docs/federated-list.schema.json, with
the result lines on stderr so that stdout is the document alone."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.fed import EXAMPLES, Fed, sandbox_env
from tests.support.manifests import replicaset_yaml, service_yaml
from tests.support.members import US
from tests.support.processes import run_process

pytestmark = pytest.mark.subprocess

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "federated-list.schema.json").read_text())
NGINX = [str(EXAMPLES / "services" / "nginx.yaml"), str(EXAMPLES / "myreplicaset.yaml")]


def valid(document: Any) -> dict[str, Any]:
    jsonschema.validate(document, SCHEMA)
    assert isinstance(document, dict)
    return document


@pytest.fixture
def one(member: SandboxFederation, tmp_path: Path) -> Fed:
    return Fed(member, sandbox_env(member, tmp_path / "home"))


def kubectl(
    fed: Fed, kubectl_path: str, *args: str, stdin: str
) -> subprocess.CompletedProcess[str]:
    command = [kubectl_path, f"--context={US}", *args]
    return run_process(command, env=fed.process_env(), stdin=stdin, timeout=60)


@pytest.mark.kubectl
def test_name_and_jsonpath_print_what_kubectl_prints(one: Fed, kubectl_path: str) -> None:
    def both(args: list[str], ours: str, theirs: str) -> tuple[str, str]:
        mine = one.run(*args, "-f", "-", stdin=ours)
        real = kubectl(one, kubectl_path, *args, "-f", "-", stdin=theirs)
        assert (mine.status, real.returncode) == (0, 0), (args, mine.err, real.stderr)
        return mine.out, real.stdout

    for verb in ("create", "apply"):
        mine, real = both(
            [verb, "-o", "name"], service_yaml(f"{verb}-a"), service_yaml(f"{verb}-b")
        )
        assert (mine, real) == (f"service/{verb}-a\n", f"service/{verb}-b\n")
    mine, real = both(["create", "-oname"], replicaset_yaml("ra", 1), replicaset_yaml("rb", 1))
    assert (mine, real) == ("replicaset.apps/ra\n", "replicaset.apps/rb\n")

    # jsonpath: evaluated on the FederatedList for us, on the object for kubectl; both print
    # exactly what the template says, with no newline of their own
    mine_run = one.run(
        "create",
        "-o=jsonpath={.items[0].object.spec.ports[0].port}",
        "-f",
        "-",
        stdin=service_yaml("jp-a", port=81),
    )
    real_run = kubectl(
        one,
        kubectl_path,
        "create",
        "-o=jsonpath={.spec.ports[0].port}",
        "-f",
        "-",
        stdin=service_yaml("jp-b", port=81),
    )
    mine, real = mine_run.out, real_run.stdout
    assert mine == real == "81"

    for name, ours in (("create-b", "create-a"), ("rb", "ra")):
        kind = "rs" if name.startswith("r") else "svc"
        mine_run = one.run("delete", kind, ours, "-o", "name")
        real_run = kubectl(one, kubectl_path, "delete", kind, name, "-o", "name", stdin="")
        assert (mine_run.status, real_run.returncode) == (0, 0), mine_run.err
        ref = "replicaset.apps" if kind == "rs" else "service"
        assert (mine_run.out, real_run.stdout) == (f"{ref}/{ours}\n", f"{ref}/{name}\n")


def test_json_and_yaml_are_one_federated_list_of_what_was_written(
    sandbox: SandboxFederation, fed_env: dict[str, str], tmp_path: Path
) -> None:
    fed = Fed(sandbox, fed_env)
    applied = fed.run("apply", "-f", NGINX[0], "-f", NGINX[1], "-o", "json")
    assert applied.status == 0, applied.err
    document = valid(json.loads(applied.out))
    assert document["errors"] == []
    assert [(i["cluster"], i["object"]["kind"]) for i in document["items"]] == [
        (cluster, kind) for cluster in fed.names for kind in ("Service", "ReplicaSet")
    ]
    for item in document["items"]:
        live = fed.objects(item["cluster"], f"{item['object']['kind'].lower()}s")["nginx"]
        assert item["object"]["metadata"]["uid"] == live["metadata"]["uid"]
        assert "managedFields" not in item["object"]["metadata"]
    assert {i["object"]["spec"]["replicas"] for i in document["items"][1::2]} == {2}
    # the result lines still tell what happened, on stderr
    assert f"{US}: service/nginx created" in applied.err_lines

    again = fed.run("apply", "-f", NGINX[0], "-o", "yaml")
    assert again.status == 0 and f"{US}: service/nginx unchanged" in again.err_lines
    listed = valid(yaml.safe_load(again.out))
    assert [i["cluster"] for i in listed["items"]] == fed.names
    # the document reads back as get's does (the first time, the server's defaults join the
    # federated object: configured; then unchanged)
    for word in ("configured", "unchanged"):
        back = fed.run("apply", "-f", "-", stdin=again.out)
        lines = [f"{c}: service/nginx {word}" for c in fed.names]
        assert (back.status, back.out_lines) == (0, lines), back.err

    planned = fed.run(
        "create", "-f", "-", "--dry-run=client", "-o", "json", stdin=service_yaml("new")
    )
    assert planned.status == 0, planned.err
    dry = valid(json.loads(planned.out))
    assert [i["object"]["metadata"]["name"] for i in dry["items"]] == ["new"] * 3
    assert all("new" not in fed.objects(cluster, "services") for cluster in fed.names)

    template = tmp_path / "t.txt"
    template.write_text('{range .items[*]}{.cluster}={.object.spec.replicas}{"\\n"}{end}')
    shares = fed.run("apply", "-f", NGINX[1], f"-o=jsonpath-file={template}")
    assert (shares.status, shares.out) == (0, "".join(f"{c}=2\n" for c in fed.names))

    got = fed.run("get", "svc,rs", "nginx", "-o", "json")
    assert got.status == 0 and len(valid(json.loads(got.out))["items"]) == 6


def test_a_failed_member_is_in_errors_and_bad_formats_change_nothing(
    sandbox: SandboxFederation, fed_env: dict[str, str]
) -> None:
    fed = Fed(sandbox, fed_env)
    down = "europe-west1"
    sandbox.cluster(down).fail("unreachable")
    try:
        run = fed.run("create", "-f", NGINX[0], "-o", "json", "--request-timeout", "1")
    finally:
        sandbox.cluster(down).heal()
    assert run.status == 3
    document = valid(json.loads(run.out))
    assert [i["cluster"] for i in document["items"]] == [US, "asia-east1"]
    assert [(e["cluster"], e["reason"]) for e in document["errors"]] == [(down, "Unreachable")]
    assert any(line.startswith(f"error: cluster {down}: unreachable") for line in run.err_lines)

    fed.clear_requests()
    for args in (
        ("-o", "jsonpath={.items[0"),
        ("-o", "custom-columns=NAME:.metadata.name"),
        ("-o", "wide"),
        ("-o", "jsonpath-file=/no/such/template"),
    ):
        refused = fed.run("apply", "-f", NGINX[1], *args)
        assert (refused.status, refused.out) == (2, ""), args
        assert refused.err_lines[0].startswith("error: "), (args, refused.err)
    assert all(not sandbox.cluster(c).requests.records() for c in fed.names)
