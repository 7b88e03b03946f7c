"""Bad input of every kind: exit 2, one error line naming the input and the problem, no
traceback, and not one request to any member (checked in the servers' request logs).

The manifests are files under corpus/ (each listed in CORPUS with the words its error
line must hold); inputs too big or too odd to keep in the repository are made here.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kubectl_fed.core.model.limits import MAX_INPUT_BYTES
from tests.reliability.helpers import STATS, World, check_output, run_checked
from tests.support.cli import Run
from tests.support.manifests import service_yaml, write

pytestmark = pytest.mark.subprocess

CORPUS_DIR = Path(__file__).parent / "corpus"

# corpus file -> (extra flags, words the one error line holds besides the file name)
CORPUS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "malformed.yaml": ((), ("invalid YAML", "line 4")),
    "malformed.json": ((), ("invalid JSON",)),
    "tab-indented.yaml": ((), ("invalid YAML",)),
    "binary.yaml": ((), ("cannot read", "utf-8")),
    "latin1.yaml": ((), ("cannot read", "utf-8")),
    "empty.yaml": ((), ("no objects passed",)),
    "comments-only.yaml": ((), ("no objects passed",)),
    "scalar.yaml": ((), ("document 1", "expected an object")),
    "array.json": ((), ("document 1", "expected an object")),
    "unknown-kind.yaml": ((), ("document 1", "DaemonSet", "not federated")),
    "old-apiversion.yaml": ((), ("document 1", "networking.k8s.io/v1")),
    "missing-kind.yaml": ((), ("document 1", "apiVersion and kind are required")),
    "missing-name.yaml": ((), ("document 1", "metadata.name: Required value")),
    "invalid-name.yaml": ((), ("document 1", "Web_App", "RFC 1123")),
    "name-too-long.yaml": ((), ("document 1", "no more than 63 characters")),
    "name-not-string.yaml": ((), ("document 1", "metadata.name: Invalid value")),
    "invalid-namespace.yaml": ((), ("document 1", "metadata.namespace: Invalid value")),
    "namespace-conflict.yaml": (("-n", "staging"), ("document 1", "does not match")),
    "duplicate.yaml": ((), ("document 2", "duplicate service default/web")),
    "duplicate-in-list.json": ((), ("item 2", "duplicate service default/web")),
    "list-without-items.yaml": ((), ("document 1", "without an items list")),
    "python-tag.yaml": ((), ("invalid YAML", "python/object/apply")),
    "custom-tag.yaml": ((), ("invalid YAML", "!Ref")),
    "billion-laughs.yaml": ((), ("document 1", "aliases")),
    "billion-laughs-in-spec.yaml": ((), ("document 1", "aliases")),
    "nodeport-out-of-range.yaml": ((), ("nodePort 80", "30000-32767")),
    "nodeport-too-large.yaml": ((), ("document 1", "nodePort: Invalid value: 70000")),
    "nodeport-not-a-number.yaml": ((), ("document 1", "nodePort: Invalid value")),
    "nodeport-on-clusterip.yaml": ((), ("document 1", "nodePort: Forbidden")),
    "nodeport-duplicate.yaml": ((), ("document 1", "nodePort: Duplicate value: 30080")),
    "port-zero.yaml": ((), ("document 1", "port: Invalid value: 0")),
    "port-name-string.yaml": ((), ("document 1", "port: Invalid value: 'http'")),
    "port-unnamed-multiple.yaml": ((), ("document 1", "name: Required value")),
    "service-type-unknown.yaml": ((), ("document 1", 'spec.type: Unsupported value: "Magic"')),
    "prefs-bad-json.yaml": ((), ("document 1", "replica-set-preferences", "not valid JSON")),
    "prefs-negative-weight.yaml": ((), ("document 1", "weight: must not be negative")),
    "prefs-min-over-max.yaml": ((), ("document 1", "greater than maxReplicas")),
    "prefs-unknown-field.yaml": ((), ("document 1", "unknown field clusters.*.weigth")),
    "prefs-not-object.yaml": ((), ("document 1", "expected a JSON object")),
    "prefs-rebalance-string.yaml": ((), ("document 1", "rebalance: expected true or false")),
    "prefs-no-clusters.yaml": ((), ("document 1", '"clusters" is required')),
    "selector-mismatch.yaml": ((), ("document 1", "does not match template")),
    "selector-bad-operator.yaml": ((), ("document 1", '"Near": not a valid selector operator')),
    "selector-empty.yaml": ((), ("document 1", "spec.selector: Required value")),
    "replicas-negative.yaml": ((), ("document 1", "spec.replicas: Invalid value: -2")),
    "replicas-beyond-int32.yaml": ((), ("spec.replicas: Invalid value", "no more than 2147483647")),
    "ingress-no-backend.yaml": ((), ("document 1", "defaultBackend")),
    "ingress-bad-pathtype.yaml": ((), ("document 1", "pathType: Unsupported value")),
    "spec-not-object.yaml": ((), ("document 1", "spec: Required value")),
    "metadata-not-object.yaml": ((), ("document 1", "metadata is required")),
    "second-document-bad.yaml": ((), ("document 2", "Bad.Name")),
    "template-metadata-not-object.yaml": ((), ("spec.template.metadata: Invalid value",)),
    "labels-not-strings.yaml": ((), ("metadata.labels: Invalid value: must be a map of strings",)),
    "ingress-paths-not-list.yaml": (
        (),
        ("spec.rules[0].http.paths: Invalid value: must be a list",),
    ),
}
# Node ports taken by members are only known once read: these may read (GET), never write.
# Read a member first: node ports in use; whether the members serve a kind (API discovery).
NEEDS_MEMBER_READS = {"nodeport-out-of-range.yaml", "unknown-kind.yaml"}


def refused(world: World, run: Run, *words: str, reads_allowed: bool = False) -> str:
    """The run is exit 2 with one error line holding `words`; no request reached a member."""
    assert run.status == 2, run.err
    errors = [line for line in run.err_lines if line.startswith("error:")]
    assert len(errors) == 1, run.err
    for word in words:
        assert word in errors[0], errors[0]
    requests = [record for c in world.sandbox.clusters for record in c.requests]
    if reads_allowed:
        assert all(record.method == "GET" for record in requests), requests
    else:
        assert requests == []
    STATS["bad inputs"] += 1
    return errors[0]


@pytest.fixture
def clean(world: World) -> World:
    world.clear_requests()
    return world


def test_the_corpus_table_lists_every_file() -> None:
    assert sorted(CORPUS) == sorted(path.name for path in CORPUS_DIR.iterdir())


@pytest.mark.parametrize("verb", ["create", "apply"])
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_manifest_is_refused(clean: World, name: str, verb: str) -> None:
    flags, words = CORPUS[name]
    path = CORPUS_DIR / name
    run = clean.run(verb, "-f", str(path), *flags)
    where = name if name == "nodeport-out-of-range.yaml" else str(path)  # the file, else the object
    line = refused(clean, run, *words, reads_allowed=name in NEEDS_MEMBER_READS)
    assert where in line or "service default/web" in line


def test_a_huge_document_is_refused_before_sending(clean: World, tmp_path: Path) -> None:
    manifest: dict[str, object] = {"apiVersion": "v1", "kind": "Service"}
    manifest["metadata"] = {"name": "web", "annotations": {"notes": "x" * (4 * 1024 * 1024)}}
    manifest["spec"] = {"ports": [{"port": 80}]}
    path = write(tmp_path, "huge.json", json.dumps(manifest))
    refused(clean, clean.run("create", "-f", path), path, "document 1", "bytes")


def test_a_document_with_too_many_values_is_refused(clean: World, tmp_path: Path) -> None:
    ips = "".join(f"\n    - 10.0.{i // 250}.{i % 250}" for i in range(120_000))
    text = service_yaml("web", version="a") + f"  externalIPs:{ips}\n"
    path = write(tmp_path, "wide.yaml", text)
    refused(clean, clean.run("create", "-f", path), path, "too large")


def test_a_self_referencing_anchor_is_refused(clean: World, tmp_path: Path) -> None:
    text = service_yaml("web", version="a") + "  externalIPs: &loop [*loop]\n"
    path = write(tmp_path, "loop.yaml", text)
    refused(clean, clean.run("apply", "-f", path), path, "nested more than 100 levels deep")


def test_yaml_tags_never_run_code(clean: World, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = service_yaml("web", version="a").replace(
        "name: web\n", f"name: !!python/object/apply:os.system ['touch {marker}']\n", 1
    )
    path = write(tmp_path, "tag.yaml", text)
    refused(clean, clean.run("create", "-f", path), path, "invalid YAML")
    assert not marker.exists()


def test_binary_standard_input_is_refused(clean: World) -> None:
    run = clean.run("create", "-f", "-", stdin=b"\xff\xfe\x00\x01kind: Service")
    refused(clean, run, "-: cannot read")


def test_a_folder_without_manifests_is_refused(clean: World, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a manifest")
    refused(clean, clean.run("apply", "-f", str(tmp_path)), "no objects passed to apply")


FLAG_CASES: list[tuple[tuple[str, ...], str]] = [
    (("get", "svc", "-l", "app in (a"), "invalid label selector"),
    (("get", "svc", "-l", "=web"), "invalid label selector"),
    (("get", "rs", "-l", "tier!!front"), "invalid label selector"),
    (("describe", "svc", "-l", "app in ()"), "invalid label selector"),
    (("get", "svc", "-n", "Bad Namespace"), "--namespace"),
    (("get", "daemonsets"), 'resource type "daemonsets"'),
    (("get", "svc", "--request-timeout", "0"), "--request-timeout"),
    (("get", "svc", "--request-timeout", "soon"), "--request-timeout"),
    (("get", "svc", "--request-timeout", "nan"), "--request-timeout"),
    (("get", "svc", "--request-timeout", "inf"), "--request-timeout"),
    (("get", "svc", "--request-timeout", "1e308"), "at most 86400"),
    (("scale", "rs", "web", "--replicas", "99999999999999999999"), "--replicas"),
    (("scale", "rs", "web", "--replicas", "2147483648"), "--replicas"),
    (("get", "svc", "--parallelism", "0"), "--parallelism"),
    (("get", "svc", "-o", "xml"), "--output"),
    (("scale", "rs", "web", "--replicas", "-1"), "--replicas"),
    (("scale", "svc", "web", "--replicas", "1"), "replicasets and deployments only"),
    (("rebalance", "rs"), "takes one ReplicaSet"),
    (("delete", "svc"), "no name was specified"),
    (("unfederate", "svc"), "no name was specified"),
    (("unfederate",), "one or more resources"),
    (("unfederate", "daemonsets", "web"), 'resource type "daemonsets"'),
    (("unfederate", "svc", "web", "-f", "-"), "not both"),
    (("unfederate", "svc", "--all", "-l", "app=web"), "non empty selector"),
    (("unfederate", "svc", "-l", "app in (a"), "invalid label selector"),
    (("unfederate", "svc/"), "resource/name form"),
    (("unfederate", "svc", "web", "-A"), "--all-namespaces"),
    (("unfederate", "svc", "web", "--dry-run=maybe"), "--dry-run"),
    (("unfederate", "svc", "web", "-o", "json"), "--output"),
    (("get", "svc", "--clusters", "mars-north1"), "no context 'mars-north1'"),
    (("get", "svc", "--clusters", "!*"), "selects no cluster"),
    (("get", "svc", "--federation", "elsewhere"), "no federation 'elsewhere'"),
    (("get", "svc", "--kubeconfig", "/no/such/kubeconfig"), "no such file"),
    (("create", "-f", "/no/such/manifest.yaml"), "does not exist"),
    (("create", "-f", str(CORPUS_DIR / "duplicate.yaml"), "-A"), "--all-namespaces"),
    (("create", "-f", "-", "--node-port-range", "5-1"), "invalid node port range"),
    (("apply", "-f", "-", "--dry-run=maybe"), "--dry-run"),
    (("join", "mars-north1"), "no context 'mars-north1'"),
]


@pytest.mark.parametrize(("args", "words"), FLAG_CASES, ids=[" ".join(a) for a, _ in FLAG_CASES])
def test_bad_flags_are_refused(clean: World, args: tuple[str, ...], words: str) -> None:
    discovered = "daemonsets" in args  # a kind that is not federated is looked up first
    refused(
        clean,
        clean.run(*args, stdin=service_yaml("web", version="a")),
        words,
        reads_allowed=discovered,
    )


def _kubeconfigs(world: World) -> dict[str, tuple[str, str]]:
    """name -> (kubeconfig text, words of the error line)."""
    good = world.sandbox.kubeconfig_path.read_text()
    return {
        "broken-yaml": ("apiVersion: v1\nkind: Config\nclusters: [\n", "invalid kubeconfig"),
        "binary": ("\x00\x01\x02", "invalid kubeconfig"),
        "empty": ("", "invalid kubeconfig"),
        "unknown-cluster": (
            good.replace("cluster: us-central1", "cluster: nowhere", 1),
            "no cluster 'nowhere'",
        ),
        "missing-ca-file": (
            good.replace(
                "certificate-authority-data:", "certificate-authority: /no/ca.crt\n    x:", 1
            ),
            "/no/ca.crt: no such file",
        ),
        "no-server": (good.replace("server: https", "address: https", 1), "has no server"),
        "unknown-user": (good.replace("user: us-central1", "user: nobody", 1), "no user"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "broken-yaml",
        "binary",
        "empty",
        "unknown-cluster",
        "missing-ca-file",
        "no-server",
        "unknown-user",
    ],
)
def test_broken_kubeconfigs_are_refused(clean: World, tmp_path: Path, name: str) -> None:
    text, words = _kubeconfigs(clean)[name]
    path = write(tmp_path, "kubeconfig", text)
    refused(clean, clean.run("get", "svc", "--kubeconfig", path), words)


MEMBERSHIP_HEADER = b"apiVersion: kubectl-fed/v1\nkind: FederationConfig\ncurrent: sandbox\n"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"federations: [\n", "membership file"),
        (b"\xff\x00\xfe", "membership file"),
        (MEMBERSHIP_HEADER + b"federations: {sandbox: {members: [mars-north1]}}\n", "mars-north1"),
    ],
)
def test_broken_membership_files_are_refused(
    clean: World, tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "kubectl-fed.yaml"
    path.write_bytes(content)
    env = {**clean.env, "KUBECTL_FED_CONFIG": str(path)}
    refused(clean, run_checked(["get", "svc"], env), words)


# -- inputs that are not what they seem: endless, huge, devices, FIFOs, cycles, closed --------


def test_a_device_is_refused_at_once(clean: World) -> None:
    run = clean.run("create", "-f", "/dev/zero")
    refused(clean, run, "/dev/zero", "not a regular file")
    assert run.seconds < 5


def test_a_fifo_is_refused_without_waiting_for_a_writer(clean: World, tmp_path: Path) -> None:
    fifo = tmp_path / "manifest.yaml"
    os.mkfifo(fifo)
    refused(clean, clean.run("apply", "-f", str(fifo)), str(fifo), "not a regular file")
    refused(clean, clean.run("get", "svc", "--kubeconfig", str(fifo)), "not a regular file")
    env = {**clean.env, "KUBECTL_FED_CONFIG": str(fifo)}
    refused(clean, run_checked(["get", "svc"], env), "membership file", "not a regular file")


def test_standard_input_beyond_the_limit_is_refused(clean: World) -> None:
    endless = b"#" * (MAX_INPUT_BYTES + 1)
    refused(clean, clean.run("create", "-f", "-", stdin=endless), "-: cannot read", "32 MiB")


def test_a_file_beyond_the_limit_is_refused(clean: World, tmp_path: Path) -> None:
    path = tmp_path / "sparse.yaml"
    with path.open("wb") as handle:  # sparse: no disk used
        handle.truncate(4 * 1024**3)
    refused(clean, clean.run("create", "-f", str(path)), str(path), "32 MiB")


def test_closed_standard_input_is_refused(world: World, tmp_path: Path) -> None:
    world.clear_requests()
    process = subprocess.run(
        [sys.executable, "-m", "kubectl_fed", "create", "-f", "-"],
        env=world.process_env(),
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.close(0),
        timeout=60,
    )
    check_output(process.stdout, process.stderr)
    run = Run(process.returncode, process.stdout, process.stderr, 0.0)
    refused(world, run, "-: cannot read: standard input is closed")


def test_recursive_reading_follows_each_folder_once(clean: World, tmp_path: Path) -> None:
    folder = tmp_path / "manifests"
    folder.mkdir()
    write(folder, "web.yaml", service_yaml("cycle-web", version="a"))
    for link in ("a", "b", "c"):
        (folder / link).symlink_to(".")
    run = clean.run("apply", "-f", str(folder), "-R", "--dry-run=server")
    assert run.status == 0, run.err
    assert sorted(run.out_lines) == sorted(
        f"{name}: service/cycle-web created (server dry run)" for name in clean.names
    )


def test_membership_and_kubeconfig_alias_bombs_are_refused(clean: World, tmp_path: Path) -> None:
    levels = "abcdefghi"  # 9 levels of 9 aliases each: 9**9 leaves from 419 bytes
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{child}: &{child} [{', '.join(['*' + parent] * 9)}]\n"
        for parent, child in itertools.pairwise(levels)
    )
    membership = write(tmp_path, "membership.yaml", bomb + "apiVersion: *i\n")
    env = {**clean.env, "KUBECTL_FED_CONFIG": membership}
    refused(clean, run_checked(["get", "svc"], env), "membership file", "aliases")
    good = clean.sandbox.kubeconfig_path.read_text()
    kubeconfig = write(
        tmp_path, "kubeconfig", bomb + good.replace("cluster: us-central1", "cluster: *i", 1)
    )
    refused(
        clean, clean.run("get", "svc", "--kubeconfig", kubeconfig), "invalid kubeconfig", "aliases"
    )


def test_a_file_name_with_escape_sequences_is_shown_escaped(clean: World, tmp_path: Path) -> None:
    path = str(tmp_path / "web\x1b[2J\x1b]0;title\x07.yaml")
    line = refused(clean, clean.run("create", "-f", path), "does not exist")
    assert "\x1b" not in line and "\x07" not in line
    assert "web\\x1b[2J\\x1b]0;title\\x07.yaml" in line
