"""kubectl's habits on a sandbox member: flag spellings, durations, errors that say what to do.

Where kubectl has the feature, the same request goes to the real kubectl on the same member
and the outputs are compared.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.fed import EXAMPLES, Fed, sandbox_env
from tests.support.manifests import replicaset_yaml, service_yaml
from tests.support.members import US
from tests.support.polling import eventually

pytestmark = pytest.mark.subprocess


@pytest.fixture
def fed(member: SandboxFederation, tmp_path: Path) -> Fed:
    return Fed(member, sandbox_env(member, tmp_path / "home"))


def kubectl(fed: Fed, kubectl_path: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = fed.process_env()
    return subprocess.run(
        [kubectl_path, f"--context={US}", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


SPELLINGS = [
    ("get", "svc", "-o=name"),
    ("get", "svc", "-oname"),
    ("get", "svc", "--output=name"),
    ("get", "svc", "-n=default", "-o", "name"),
    ("get", "svc", "--namespace=default", "-o=name"),
    ("get", "svc", "-l=app=web", "-o=name"),
    ("get", "svc", "--selector=app=web", "-oname"),
    ("get", "svc", "-o=name", "--request-timeout=5s"),
    ("get", "svc", "-o=name", "--request-timeout=1m"),
    ("get", "svc", "-o=name", "--request-timeout", "500ms"),
    ("get", "svc", "-o=name", "--all-namespaces=false"),
    ("-n", "default", "get", "svc", "-o", "name"),  # global flags first
    ("--namespace=default", "--request-timeout=5s", "get", "svc", "-oname"),
]


@pytest.mark.kubectl
def test_flag_spellings_read_as_kubectl_reads_them(fed: Fed, kubectl_path: str) -> None:
    assert fed.run("create", "-f", "-", stdin=service_yaml("web")).status == 0
    for args in SPELLINGS:
        ours, theirs = fed.run(*args), kubectl(fed, kubectl_path, *args)
        assert (ours.status, theirs.returncode) == (0, 0), (args, ours.err, theirs.stderr)
        assert ours.out == theirs.stdout, args
    ours = fed.run("--clusters", "us-*", "-A", "get", "svc", "-o=name")
    assert (
        ours.status == 0
        and ours.out == kubectl(fed, kubectl_path, "get", "svc", "-A", "-oname").stdout
    )

    # delete waits by default, as kubectl; --wait=false and durations read as kubectl's
    deleted = fed.run("delete", "svc", "web", "--wait=false", "--timeout=30s")
    assert (deleted.status, deleted.out, deleted.err) == (0, f"{US}: service/web deleted\n", "")
    assert "web" not in fed.objects(US, "services")
    assert fed.run("create", "-f", "-", stdin=service_yaml("web")).status == 0
    deleted = fed.run("delete", "svc/web", "--wait=true", "--timeout", "2m")
    assert (deleted.status, deleted.out) == (0, f"{US}: service/web deleted\n")
    assert "web" not in fed.objects(US, "services")


@pytest.mark.kubectl
def test_flag_errors_in_kubectls_shape(fed: Fed, kubectl_path: str) -> None:
    ours, theirs = fed.run("get", "svc", "--foo"), kubectl(fed, kubectl_path, "get", "svc", "--foo")
    assert ours.status == 2 and theirs.returncode != 0
    assert ours.err_lines == [
        line.replace("Error:", "error:").replace("kubectl get", "kubectl fed get")
        for line in theirs.stderr.splitlines()
    ]
    assert ours.err_lines == [
        "error: unknown flag: --foo",
        "See 'kubectl fed get --help' for usage.",
    ]
    ours = fed.run("delete", "svc", "web", "--wait=maybe")
    assert ours.status == 2
    assert ours.err_lines == [
        'error: invalid argument "maybe" for "--wait" flag: want true or false'
    ]
    for flag in ("--request-timeout=soon", "--request-timeout=0", "--request-timeout=5x"):
        ours = fed.run("get", "svc", flag)
        assert ours.status == 2 and "is not a positive duration" in ours.err_lines[0], flag
        assert ours.out == ""


def test_errors_say_what_to_do(fed: Fed, tmp_path: Path) -> None:
    assert fed.run("create", "-f", "-", stdin=service_yaml("web")).status == 0
    fed.clear_requests()

    kind = fed.run("get", "ingres")
    assert kind.status == 2 and kind.out == ""
    assert kind.err_lines[0].endswith('; did you mean "ingress"?')

    context = fed.run("delete", "svc", "web", "--clusters", f"{US},nowhere")
    assert context.status == 2
    assert context.err_lines == [
        f"error: --clusters: no context 'nowhere' in kubeconfig (contexts: {US})"
    ]

    gone = str(tmp_path / "deleted" / "kubeconfig")
    fed.env["KUBECONFIG"] = gone
    missing = fed.run("delete", "svc", "web")
    assert missing.status == 2
    assert missing.err_lines == [
        f"error: no kubeconfig found: $KUBECONFIG names {gone}, which does not exist "
        '(for a local federation to try, run: eval "$(kubectl fed sandbox up)")'
    ]
    assert fed.writes() == {US: []}  # nothing changed anywhere
    assert "web" in fed.objects(US, "services")


def cells(text: str, drop: int = 0, age: int | None = None) -> list[list[str]]:
    """A table's rows as lists of cells, without the first `drop` columns and AGE (found
    by its header, else at index `age`)."""
    rows = [line.split() for line in text.splitlines()]
    if rows and "AGE" in rows[0]:
        age = rows[0].index("AGE")
    if age is not None:
        rows = [row[:age] + row[age + 1 :] for row in rows]
    return [row[drop:] for row in rows]


# (ours, kubectl's): the same request, ours on the FederatedList's `items[*].object`
TEMPLATES = [
    ("{.items[*].object.metadata.name}", "{.items[*].metadata.name}"),
    (
        '{range .items[*]}{.object.metadata.name}{"\\t"}{.object.spec.ports}{"\\n"}{end}',
        '{range .items[*]}{.metadata.name}{"\\t"}{.spec.ports}{"\\n"}{end}',
    ),
    (
        '{.items[?(@.object.metadata.name=="web")].object.spec.selector}|{.nothing}|',
        '{.items[?(@.metadata.name=="web")].spec.selector}|{.nothing}|',
    ),
    (
        "{.items[0].object.metadata.labels.app\\.kubernetes\\.io/managed-by}",
        "{.items[0].metadata.labels.app\\.kubernetes\\.io/managed-by}",
    ),
]
COLUMNS = "NAME:.metadata.name,PORT:.spec.ports[*].port,SEL:.spec.selector,NONE:.spec.nothing"


@pytest.mark.kubectl
def test_output_formats_print_what_kubectl_prints(
    fed: Fed, kubectl_path: str, tmp_path: Path
) -> None:
    for name in ("web", "api"):
        assert fed.run("create", "-f", "-", stdin=service_yaml(name)).status == 0

    def both(ours: list[str], theirs: list[str]) -> tuple[str, str]:
        mine, real = fed.run("get", "svc", *ours), kubectl(fed, kubectl_path, "get", "svc", *theirs)
        assert (mine.status, real.returncode) == (0, 0), (ours, mine.err, real.stderr)
        return mine.out, real.stdout

    # kubectl lists the kubernetes service before api and web; kubectl fed keeps its order
    for ours, theirs in TEMPLATES:
        mine, real = both(
            [f"-o=jsonpath={ours}", "--sort-by=.metadata.name"],
            ["-o", f"jsonpath={theirs}", "--sort-by=.metadata.name"],
        )
        assert mine == real, ours
    template = tmp_path / "template.txt"
    template.write_text(TEMPLATES[1][0])
    theirs_file = tmp_path / "theirs.txt"
    theirs_file.write_text(TEMPLATES[1][1])
    mine, real = both(
        ["-o", f"jsonpath-file={template}", "--sort-by", "{.metadata.name}"],
        [f"-ojsonpath-file={theirs_file}", "--sort-by", "{.metadata.name}"],
    )
    assert mine == real and mine.count("\n") == 3

    mine, real = both(
        [f"-o=custom-columns={COLUMNS}", "--sort-by=.metadata.name"],
        ["-o", f"custom-columns={COLUMNS}", "--sort-by=.metadata.name"],
    )
    assert cells(mine, drop=1) == cells(real)
    assert cells(mine)[1][0] == US and cells(real)[1] == ["api", "80", "map[app:api]", "<none>"]
    columns_file = tmp_path / "columns.txt"
    columns_file.write_text("NAME  PORT\n.metadata.name  {.spec.ports[0].port}\n")
    file_args = [f"-o=custom-columns-file={columns_file}", "--sort-by=.metadata.name"]
    mine, real = both(file_args, file_args)
    assert (
        cells(mine, drop=1)
        == cells(real)
        == [
            ["NAME", "PORT"],
            ["api", "80"],
            ["kubernetes", "443"],
            ["web", "80"],
        ]
    )
    plain = ["-o", "custom-columns=NAME:metadata.name", "--no-headers", "--sort-by=metadata.name"]
    mine, real = both(plain, plain)
    assert cells(mine, drop=1) == cells(real) == [["api"], ["kubernetes"], ["web"]]

    table_args = ["--show-labels", "-L", "app", "-L=component,nothing", "--sort-by=.metadata.name"]
    for extra in ([], ["--no-headers"], ["-o", "wide"]):
        mine, real = both([*table_args, *extra], [*table_args, *extra])
        assert cells(mine, drop=1, age=6) == cells(real, age=5), extra
    assert cells(mine)[0][-4:] == ["APP", "COMPONENT", "NOTHING", "LABELS"]

    bad = [
        ("-o", "jsonpath={.items[0"),
        ("-o", "custom-columns=NAME"),
        ("-o", f"jsonpath-file={tmp_path / 'none.txt'}"),
        ("--sort-by", ".items["),
        ("-o", "jsonpath"),
    ]
    fed.clear_requests()
    for args in bad:
        refused = fed.run("get", "svc", *args)
        assert refused.status == 2 and refused.out == "", args
        assert refused.err_lines[0].startswith("error: "), args
    assert all(not fed.sandbox.cluster(c).requests.records() for c in fed.names)


def pods_of(fed: Fed, app: str) -> list[dict[str, Any]]:
    pods = fed.objects(US, "pods").values()
    return [pod for pod in pods if pod["metadata"].get("labels", {}).get("app") == app]


@pytest.mark.kubectl
def test_delete_like_kubectl_per_member(fed: Fed, kubectl_path: str) -> None:
    def create(*documents: str) -> None:
        for document in documents:
            assert fed.run("create", "-f", "-", stdin=document).status == 0

    create(service_yaml("web"), service_yaml("api"))
    by_label = fed.run("delete", "svc", "-l", "app=web")
    assert (by_label.status, by_label.out) == (0, f"{US}: service/web deleted\n")
    assert set(fed.objects(US, "services")) == {"kubernetes", "api"}
    create(service_yaml("web"))
    theirs = kubectl(fed, kubectl_path, "delete", "svc", "-l", "app=web")
    assert (theirs.returncode, theirs.stdout) == (0, 'service "web" deleted\n')
    assert set(fed.objects(US, "services")) == {"kubernetes", "api"}

    # nothing there: kubectl's silence, and the same for an object already gone
    for args, said in (
        (("svc", "-l", "app=nothing"), "No resources found\n"),
        (("svc", "web", "--ignore-not-found"), ""),
    ):
        ours, real = fed.run("delete", *args), kubectl(fed, kubectl_path, "delete", *args)
        assert (ours.status, ours.out) == (real.returncode, real.stdout) == (0, said), args
    missing = fed.run("delete", "svc", "web")
    assert missing.status == 1 and "not found" in missing.err_lines[0]

    # --cascade=orphan leaves the pods, as kubectl's; background (the default) takes them
    create(replicaset_yaml("keep", 2), replicaset_yaml("drop", 2))
    assert eventually(lambda: len(pods_of(fed, "keep")) == len(pods_of(fed, "drop")) == 2)
    fed.clear_requests()
    orphaned = fed.run("delete", "rs", "keep", "--cascade=orphan", "--grace-period=5")
    assert (orphaned.status, orphaned.out) == (0, f"{US}: replicaset.apps/keep deleted\n")
    assert any(
        "propagationPolicy=Orphan" in write and "gracePeriodSeconds=5" in write
        for write in fed.writes()[US]
    )
    assert fed.run("delete", "rs", "drop").status == 0
    assert eventually(lambda: pods_of(fed, "drop") == [])
    kept = pods_of(fed, "keep")
    assert len(kept) == 2 and all("ownerReferences" not in pod["metadata"] for pod in kept)
    create(replicaset_yaml("theirs", 2))
    assert eventually(lambda: len(pods_of(fed, "theirs")) == 2)
    real = kubectl(fed, kubectl_path, "delete", "rs", "theirs", "--cascade=orphan")
    assert real.returncode == 0 and len(pods_of(fed, "theirs")) == 2

    everything = fed.run("delete", "svc", "--all", "--dry-run=server")
    assert everything.out_lines == [
        f"{US}: service/{name} deleted (server dry run)" for name in ("api", "kubernetes")
    ]

    fed.clear_requests()
    refusals: tuple[tuple[tuple[str, ...], str], ...] = (
        (("svc", "--all", "-l", "app=api"), "setting 'all' parameter but found a non empty"),
        (("svc", "api", "-l", "app=api"), "name cannot be provided"),
        (("svc", "--cascade=maybe"), "--cascade"),
        (("svc", "api", "--grace-period=-2"), "--grace-period"),
        (("svc", "api", "--timeout=soon"), "--timeout"),
    )
    for delete_args, words in refusals:
        refused = fed.run("delete", *delete_args)
        assert refused.status == 2 and words in refused.err_lines[0], (delete_args, refused.err)
    assert fed.writes() == {US: []}
    assert set(fed.objects(US, "services")) == {"kubernetes", "api"}


@pytest.fixture
def fed3(sandbox: SandboxFederation, fed_env: dict[str, str]) -> Fed:
    return Fed(sandbox, fed_env)


def test_get_output_round_trips_into_apply(fed3: Fed) -> None:
    fed = fed3
    nginx = [str(EXAMPLES / "services" / "nginx.yaml"), str(EXAMPLES / "myreplicaset.yaml")]
    assert fed.run("create", "-f", nginx[0], "-f", nginx[1]).status == 0
    for output in ("yaml", "json"):
        shown = fed.run("get", "svc,rs", "nginx", "-o", output)
        again = fed.run("apply", "-f", "-", stdin=shown.out)
        assert again.status == 0, again.err
        assert {line.split()[-1] for line in again.out_lines} <= {"configured", "unchanged"}
    shown = fed.run("get", "svc,rs", "nginx", "-o", "yaml")
    fed.clear_requests()
    unchanged = fed.run("apply", "-f", "-", stdin=shown.out)
    assert unchanged.out_lines == [
        f"{cluster}: {ref} unchanged"
        for ref in ("service/nginx", "replicaset.apps/nginx")
        for cluster in fed.names
    ]
    assert all(fed.objects(c, "replicasets")["nginx"]["spec"]["replicas"] == 2 for c in fed.names)

    # a copy that differs must be chosen
    eu = fed.names[1]
    fed.sandbox.cluster(eu).store.patch(
        "services", "default", "nginx", {"metadata": {"labels": {"tier": "odd"}}}
    )
    shown = fed.run("get", "svc", "nginx", "-o", "yaml")
    fed.clear_requests()
    refused = fed.run("apply", "-f", "-", stdin=shown.out)
    assert refused.status == 2
    assert refused.err_lines == [
        f"error: -: document 1: service default/nginx: the copies differ ({fed.names[0]} vs "
        f"{eu}): say which one with --from-cluster NAME"
    ]
    nowhere = fed.run("apply", "-f", "-", "--from-cluster", "nowhere", stdin=shown.out)
    assert nowhere.status == 2 and "no copy from cluster 'nowhere'" in nowhere.err
    assert fed.writes() == {cluster: [] for cluster in fed.names}
    chosen = fed.run("apply", "-f", "-", "--from-cluster", eu, stdin=shown.out)
    assert chosen.status == 0, chosen.err
    assert all(
        fed.objects(c, "services")["nginx"]["metadata"]["labels"]["tier"] == "odd"
        for c in fed.names
    )


def test_diff_is_the_ci_gate_before_apply(fed3: Fed, tmp_path: Path) -> None:
    fed = fed3
    us, eu, asia = fed.names
    service = EXAMPLES / "services" / "nginx.yaml"
    assert fed.run("create", "-f", str(service)).status == 0
    fed.clear_requests()
    same = fed.run("diff", "-f", str(service))
    assert (same.status, same.out, same.err) == (0, "", "")

    changed_file = tmp_path / "nginx.yaml"
    changed_file.write_text(service.read_text().replace("port: 80\n", "port: 81\n", 1))
    changed = fed.run("diff", "-f", str(changed_file))
    assert changed.status == 1, changed.err
    headers = [line for line in changed.out_lines if line.startswith(("---", "+++"))]
    assert headers == [
        f"{side} {cluster}/v1.Service.default.nginx ({state})"
        for cluster in (us, eu, asia)
        for side, state in (("---", "live"), ("+++", "merged"))
    ]
    assert changed.out.count("-    port: 80\n") == 3 and changed.out.count("+    port: 81\n") == 3
    assert "managedFields" not in changed.out and "status:" not in changed.out

    fed.sandbox.cluster(asia).store.delete("services", "default", "nginx")
    missing = fed.run("diff", "-f", str(service))
    assert missing.status == 1
    assert missing.out_lines[0] == f"--- {asia}/v1.Service.default.nginx (live)"
    body = missing.out_lines[3:]  # after the headers and the hunk's line
    assert body and all(line.startswith("+") for line in body)

    fed.sandbox.cluster(eu).fail("unreachable")
    unreachable = fed.run("diff", "-f", str(changed_file), "--request-timeout=2s")
    assert unreachable.status == 3
    assert unreachable.err_lines[0].startswith(f"error: cluster {eu}: unreachable")
    assert {line.split("/")[0] for line in unreachable.out_lines if line.startswith("---")} == {
        f"--- {us}",
        f"--- {asia}",
    }
    fed.sandbox.cluster(eu).heal()
    writes = [write for cluster in fed.names for write in fed.writes()[cluster]]
    assert writes and all("dryRun=All" in write for write in writes)  # diff changed nothing
    assert "nginx" not in fed.objects(asia, "services")

    # the CI gate of examples/ci: it applies only when diff says something would change
    env = fed.process_env()
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    script = EXAMPLES / "ci" / "diff-then-apply.sh"

    def gate(manifest: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(script), str(manifest)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    applied = gate(changed_file)
    assert applied.returncode == 0, applied.stderr
    assert f"{asia}: service/nginx created" in applied.stdout
    assert all(
        fed.objects(c, "services")["nginx"]["spec"]["ports"][0]["port"] == 81 for c in fed.names
    )
    again = gate(changed_file)
    assert again.returncode == 0 and "nothing to apply" in again.stdout


@pytest.mark.kubectl
def test_a_mistyped_command_gets_kubectls_suggestion(fed: Fed, kubectl_path: str) -> None:
    env = fed.process_env()
    theirs = subprocess.run(
        [kubectl_path, "gte", "ingress"], env=env, capture_output=True, text=True, timeout=60
    )
    ours = fed.run("gte", "ingress")
    assert (ours.status, theirs.returncode) == (2, 1) and ours.out == theirs.stdout == ""
    mine = ours.err_lines
    real = [line.replace("Error:", "error:") for line in theirs.stderr.splitlines()]
    assert mine[:4] == [line.replace('for "kubectl"', 'for "kubectl fed"') for line in real[:4]]
    assert mine[2:4] == ["Did you mean this?", "\tget"]
    assert mine[-1] == "Run 'kubectl fed --help' for usage."


@pytest.mark.kubectl
def test_get_rs_wide_is_kubectls_one_table(fed: Fed, kubectl_path: str) -> None:
    assert fed.run("create", "-f", "-", stdin=replicaset_yaml("web", 2)).status == 0

    def ready() -> bool:
        status = fed.objects(US, "replicasets")["web"].get("status", {})
        return bool(status.get("readyReplicas") == 2)

    assert eventually(ready)  # kubectl's READY column then agrees
    for extra in ([], ["-o", "wide"]):
        ours = fed.run("get", "rs", "web", *extra)
        theirs = kubectl(fed, kubectl_path, "get", "rs", "web", *extra)
        assert (ours.status, theirs.returncode) == (0, 0), ours.err
        assert len(ours.out_lines) == len(theirs.stdout.splitlines()) == 2  # one table
        mine, real = cells(ours.out, drop=1), cells(theirs.stdout)
        width = len(real[0])
        assert [row[:width] for row in mine] == real, extra
        assert mine[0][width:] == (["PLANNED", "FED-TOTAL"] if extra else [])
