"""create / apply / get / delete end to end: the CLI against a 3-cluster sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.fed import EXAMPLES, MARKER_ANNOTATION, MARKER_LABEL, Fed
from tests.support.manifests import manifest_file, service_yaml
from tests.support.members import ASIA, EU, US
from tests.support.polling import eventually


def test_create_get_delete_the_guide_examples(fed: Fed) -> None:
    assert fed.names == [US, EU, ASIA]
    created = fed.run("create", "-R", "-f", str(EXAMPLES))
    assert created.status == 0, created.err
    assert created.err == ""
    # The sandbox's clusters start with different GLBC UIDs: the ingress makes them agree.
    assert [line.split(" uid set to ")[0] for line in created.out_lines[:2]] == [
        f"{cluster}: configmap kube-system/ingress-uid" for cluster in (EU, ASIA)
    ]
    assert created.out_lines[2:] == [
        f"{cluster}: {ref} created"
        for ref in ("ingress.networking.k8s.io/myingress", "replicaset.apps/nginx", "service/nginx")
        for cluster in (US, EU, ASIA)
    ]
    for cluster in fed.names:
        for plural, name in (
            ("ingresses", "myingress"),
            ("services", "nginx"),
            ("replicasets", "nginx"),
        ):
            metadata = fed.objects(cluster, plural)[name]["metadata"]
            assert metadata["labels"][MARKER_LABEL] == "kubectl-fed"
            assert metadata["annotations"][MARKER_ANNOTATION] == "sandbox"

    listed = fed.run("get", "rs,ing", "-o", "wide")
    assert listed.status == 0, listed.err
    tables = listed.out.split("\n\n")
    assert tables[0].splitlines()[0].split() == [
        "CLUSTER",
        "NAME",
        "DESIRED",
        "CURRENT",
        "READY",
        "AGE",
        "CONTAINERS",
        "IMAGES",
        "SELECTOR",
        "PLANNED",  # the federation's share for the member, and its total
        "FED-TOTAL",
    ]
    assert [line.split()[:3] for line in tables[0].splitlines()[1:]] == [
        [cluster, "replicaset.apps/nginx", "2"] for cluster in (US, EU, ASIA)
    ]
    assert tables[1].splitlines()[0].split() == [
        "CLUSTER",
        "NAME",
        "CLASS",
        "HOSTS",
        "ADDRESS",
        "PORTS",
        "AGE",
    ]

    deleted = fed.run("delete", "-R", "-f", str(EXAMPLES), "--wait")
    assert deleted.status == 0, deleted.err
    assert f"{ASIA}: service/nginx deleted" in deleted.out_lines
    assert len(deleted.out_lines) == 9
    for cluster in fed.names:
        assert fed.objects(cluster, "ingresses") == {}
        assert "nginx" not in fed.objects(cluster, "services")
        assert fed.objects(cluster, "replicasets") == {}


def test_apply_creates_configures_and_leaves_unchanged(fed: Fed, tmp_path: Path) -> None:
    first = manifest_file(tmp_path, "web.yaml", [service_yaml(port=80)])
    assert fed.run("apply", "-f", first).out_lines == [
        f"{c}: service/web created" for c in fed.names
    ]
    assert fed.run("apply", "-f", first).out_lines == [
        f"{c}: service/web unchanged" for c in fed.names
    ]
    changed = manifest_file(tmp_path, "web2.yaml", [service_yaml(target_port=9090)])
    result = fed.run("apply", "-f", changed)
    assert result.status == 0, result.err
    assert result.out_lines == [f"{c}: service/web configured" for c in fed.names]
    for cluster in fed.names:
        assert fed.objects(cluster, "services")["web"]["spec"]["ports"][0]["targetPort"] == 9090


def test_create_twice_is_already_exists_everywhere(fed: Fed, tmp_path: Path) -> None:
    path = manifest_file(tmp_path, "web.yaml", [service_yaml()])
    assert fed.run("create", "-f", path).status == 0
    again = fed.run("create", "-f", path)
    assert again.status == 1
    assert again.out == ""
    assert again.err_lines == [
        f'error: cluster {c}: service default/web: already exists: services "web" already exists'
        for c in fed.names
    ]


def test_get_json_is_a_federated_list_in_member_order(fed: Fed, tmp_path: Path) -> None:
    fed.run("create", "-f", manifest_file(tmp_path, "web.yaml", [service_yaml()]))
    fed.sandbox.cluster(EU).store.delete("services", "default", "web")
    result = fed.run("get", "svc", "web", "-o", "json")
    assert result.status == 0, result.err
    document = json.loads(result.out)
    assert list(document) == ["apiVersion", "kind", "items", "errors"]
    assert (document["apiVersion"], document["kind"]) == ("kubectl-fed/v1", "FederatedList")
    assert [item["cluster"] for item in document["items"]] == [US, ASIA]
    for item in document["items"]:
        assert list(item) == ["cluster", "object"]
        assert item["object"]["kind"] == "Service"
        assert item["object"]["apiVersion"] == "v1"
        assert item["object"]["metadata"]["name"] == "web"
    assert document["errors"] == [
        {"cluster": EU, "reason": "NotFound", "message": 'services "web" not found'}
    ]
    table = fed.run("get", "svc", "web")
    assert [line.split()[:3] for line in table.out_lines[1:]] == [
        [US, "web", "ClusterIP"],
        [EU, "web", "<missing>"],
        [ASIA, "web", "ClusterIP"],
    ]
    assert fed.run("get", "svc", "web", "-o", "name").out == "service/web\n"


def test_get_nothing_and_unknown_names(fed: Fed) -> None:
    empty = fed.run("get", "ing")
    assert (empty.status, empty.out, empty.err) == (
        0,
        "",
        "No resources found in default namespace.\n",
    )
    unknown = fed.run("get", "ing", "nope")
    assert unknown.status == 1
    assert unknown.err == (
        'error: ingresses.networking.k8s.io "nope" not found in any member cluster\n'
    )


def test_get_all_namespaces_and_selector(fed: Fed, tmp_path: Path) -> None:
    fed.run(
        "create",
        "--create-namespace",
        "-f",
        manifest_file(
            tmp_path, "two.yaml", [service_yaml("a", namespace="shop"), service_yaml("b")]
        ),
    )
    result = fed.run("get", "svc", "-A", "-l", "app in (a,b)")
    assert result.status == 0, result.err
    assert result.out_lines[0].split()[:3] == ["CLUSTER", "NAMESPACE", "NAME"]
    assert [line.split()[:3] for line in result.out_lines[1:]] == [
        [c, ns, name] for ns, name in (("default", "b"), ("shop", "a")) for c in fed.names
    ]


def test_one_member_unreachable_is_partial(fed: Fed, tmp_path: Path) -> None:
    fed.sandbox.cluster(ASIA).fail("unreachable")
    path = manifest_file(tmp_path, "web.yaml", [service_yaml()])
    created = fed.run("apply", "-f", path)
    assert created.status == 3
    assert created.out_lines == [f"{US}: service/web created", f"{EU}: service/web created"]
    assert len(created.err_lines) == 1
    assert created.err_lines[0].startswith(f"error: cluster {ASIA}: unreachable: ")
    assert "web" in fed.objects(EU, "services")

    listed = fed.run("get", "svc", "web")
    assert listed.status == 3
    assert [line.split()[0] for line in listed.out_lines[1:]] == [US, EU]
    assert listed.err_lines[0].startswith(f"error: cluster {ASIA}: unreachable: ")

    deleted = fed.run("delete", "svc", "web")
    assert deleted.status == 3
    assert deleted.out_lines == [f"{US}: service/web deleted", f"{EU}: service/web deleted"]


def test_every_member_failing_is_exit_1(fed: Fed, tmp_path: Path) -> None:
    for cluster in fed.names:
        fed.sandbox.cluster(cluster).fail("forbidden")
    result = fed.run("create", "-f", manifest_file(tmp_path, "web.yaml", [service_yaml()]))
    assert result.status == 1
    assert result.out == ""
    assert [line.split(":")[1].strip() for line in result.err_lines] == [
        f"cluster {c}" for c in fed.names
    ]
    assert fed.run("get", "svc").status == 1


@pytest.mark.parametrize("mode", ["client", "server"])
def test_dry_run_changes_nothing(fed: Fed, tmp_path: Path, mode: str) -> None:
    path = manifest_file(
        tmp_path, "two.yaml", [service_yaml("a"), service_yaml("b", namespace="shop")]
    )
    fed.clear_requests()
    result = fed.run("apply", f"--dry-run={mode}", "--create-namespace", "-f", path)
    assert result.status == 0, result.err
    suffix = " (dry run)" if mode == "client" else " (server dry run)"
    assert result.out_lines == [
        *(f"{c}: namespace/shop created{suffix}" for c in fed.names),
        *(f"{c}: service/a created{suffix}" for c in fed.names),
        *(f"{c}: service/b created{suffix}" for c in fed.names),
    ]
    for cluster, writes in fed.writes().items():
        assert "a" not in fed.objects(cluster, "services")
        assert (
            fed.sandbox.cluster(cluster).store.list(
                "namespaces", None, "kubernetes.io/metadata.name=shop"
            )
            == []
        )
        if mode == "client":
            assert writes == []
        else:
            assert writes and all("dryRun=All" in write for write in writes)


def test_delete_dry_run_and_not_found(fed: Fed, tmp_path: Path) -> None:
    fed.run("create", "-f", manifest_file(tmp_path, "web.yaml", [service_yaml()]))
    fed.sandbox.cluster(US).store.delete("services", "default", "web")
    planned = fed.run("delete", "service/web", "--dry-run=server")
    assert planned.status == 3
    assert planned.out_lines == [f"{c}: service/web deleted (server dry run)" for c in (EU, ASIA)]
    assert planned.err_lines == [
        f'error: cluster {US}: service default/web: not found: services "web" not found'
    ]
    assert "web" in fed.objects(EU, "services")


def test_missing_namespace_is_reported_per_member(fed: Fed, tmp_path: Path) -> None:
    fed.sandbox.cluster(EU).store.create(
        "namespaces", None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
    )
    path = manifest_file(tmp_path, "web.yaml", [service_yaml(namespace="shop")])
    result = fed.run("apply", "-f", path)
    assert result.status == 3
    assert result.out_lines == [f"{EU}: service/web created"]
    assert result.err_lines == [
        f'error: cluster {c}: service shop/web: not found: namespaces "shop" not found '
        "(use --create-namespace)"
        for c in (US, ASIA)
    ]
    fixed = fed.run("apply", "--create-namespace", "-f", path)
    assert fixed.status == 0, fixed.err
    assert fixed.out_lines == [
        f"{US}: namespace/shop created",
        f"{ASIA}: namespace/shop created",
        f"{US}: service/web created",
        f"{EU}: service/web unchanged",
        f"{ASIA}: service/web created",
    ]


@pytest.mark.parametrize(
    ("selection", "expected"),
    [("us-*,europe-*", [US, EU]), ("*,!asia-*", [US, EU]), ("asia-east1", [ASIA])],
)
def test_clusters_globs_and_exclusions(
    fed: Fed, tmp_path: Path, selection: str, expected: list[str]
) -> None:
    path = manifest_file(tmp_path, "web.yaml", [service_yaml()])
    result = fed.run("create", "-f", path, "--clusters", selection)
    assert result.status == 0, result.err
    assert result.out_lines == [f"{c}: service/web created" for c in expected]
    assert [c for c in fed.names if "web" in fed.objects(c, "services")] == expected
    listed = fed.run("get", "svc", "web", "--clusters", selection, "-o", "json")
    assert [item["cluster"] for item in json.loads(listed.out)["items"]] == expected


def test_apply_after_create_drops_what_the_manifest_no_longer_has(fed: Fed, tmp_path: Path) -> None:
    """`create` creates only (POST), yet its fields end up owned as applied: a later
    `apply` (here of a new port) without a label removes it, as if the object had been
    applied from the start."""
    with_extra = service_yaml().replace("    app: web\nspec:", "    app: web\n    extra: x\nspec:")
    created = fed.run("create", "-f", manifest_file(tmp_path, "web.yaml", [with_extra]))
    assert created.status == 0, created.err
    posted = fed.writes()
    assert all(writes[0].startswith("POST ") for writes in posted.values()), posted
    for cluster in fed.names:
        managers = fed.sandbox.cluster(cluster).store.managers("services", "default", "web")
        assert list(managers) == [("kubectl-fed", "Apply")]
    applied = fed.run("apply", "-f", manifest_file(tmp_path, "web.yaml", [service_yaml(port=81)]))
    assert applied.status == 0, applied.err
    assert applied.out_lines == [f"{c}: service/web configured" for c in fed.names], applied.out
    for cluster in fed.names:
        assert "extra" not in fed.objects(cluster, "services")["web"]["metadata"]["labels"]


def test_delete_waits_for_the_glbc_finalizer_and_names_who_holds_it(fed: Fed) -> None:
    created = fed.run("create", "-R", "-f", str(EXAMPLES))
    assert created.status == 0, created.err
    finalizer = "networking.gke.io/ingress-finalizer-V2"

    def held(cluster: str) -> object:
        return fed.objects(cluster, "ingresses")["myingress"]["metadata"].get("finalizers")

    assert eventually(lambda: all(held(c) == [finalizer] for c in fed.names))
    fed.sandbox.simulation.pause_glbc(EU)  # a stuck controller: the finalizer stays there
    deleted = fed.run("delete", "ingress", "myingress", "--timeout", "1s")
    assert deleted.status == 3
    assert deleted.out_lines == [
        f"{c}: ingress.networking.k8s.io/myingress deleted" for c in (US, ASIA)
    ]
    assert deleted.err_lines == [
        f"error: cluster {EU}: ingress default/myingress: timeout: "
        'ingresses.networking.k8s.io "myingress" still exists (timed out): '
        f"held by finalizers {finalizer}"
    ]
    assert fed.objects(US, "ingresses") == {} and fed.objects(ASIA, "ingresses") == {}
    stuck = fed.objects(EU, "ingresses")["myingress"]["metadata"]
    assert stuck["deletionTimestamp"] and stuck["finalizers"] == [finalizer]

    fed.sandbox.simulation.pause_glbc(EU, paused=False)  # it releases the load balancer
    again = fed.run("delete", "ingress", "myingress", "--ignore-not-found", "--timeout", "10s")
    assert again.status == 0, again.err
    assert fed.objects(EU, "ingresses") == {}
