"""How many requests a write costs each member, counted in the sandbox's request logs and
pinned: at most 2 per object per member (the copies read in the first fan-out are not read
again), one server-side dry-run per object on the first member, and the reads the
federation semantics need. docs/performance.md lists the same counts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from kubectl_fed.sandbox.apiserver.requestlog import RequestRecord
from tests.support.fed import EXAMPLES, Fed
from tests.support.manifests import manifest_file

OBJECTS = {
    "ingress": "/apis/networking.k8s.io/v1/namespaces/default/ingresses",
    "service": "/api/v1/namespaces/default/services",
    "replicaset": "/apis/apps/v1/namespaces/default/replicasets",
}
NAMES = {"ingress": "myingress", "service": "nginx", "replicaset": "nginx"}


def kind_of(record: RequestRecord) -> str | None:
    """The example object a request is about (a create names its collection), or None."""
    for kind, collection in OBJECTS.items():
        if record.path == f"{collection}/{NAMES[kind]}" or (
            record.method == "POST" and record.path == collection
        ):
            return kind
    return None


def counts(fed: Fed, cluster: str) -> dict[str, int]:
    """Requests per example object (dry-run checks apart), and the rest by purpose."""
    tally: Counter[str] = Counter()
    for record in fed.sandbox.cluster(cluster).requests.records():
        kind = kind_of(record)
        if kind is not None and "dryRun=All" in record.query:
            tally["field check"] += 1
        elif kind is not None:
            tally[kind] += 1
        elif "limit=" in record.query:
            tally["lists"] += 1
        else:
            tally["other"] += 1
    return dict(tally)


def run(fed: Fed, *args: str) -> None:
    fed.clear_requests()
    done = fed.run(*args)
    assert done.status == 0, done.err


def test_create_costs_two_requests_per_object_per_member(fed: Fed) -> None:
    run(fed, "create", "-R", "-f", str(EXAMPLES), "--no-wait")
    first, *others = fed.names
    # other: the ingress-uid ConfigMap and the namespace read; the others also write the UID
    assert counts(fed, first) == {
        "lists": 2,
        "other": 2,
        "replicaset": 2 + 1,  # + the read of the first fan-out (its copy is not listed)
        "service": 2,
        "ingress": 2,
        "field check": 3,
    }
    for cluster in others:
        assert counts(fed, cluster) == {
            "lists": 2,
            "other": 3,
            "replicaset": 3,
            "service": 2,
            "ingress": 2,
        }


def test_apply_reads_nothing_twice(fed: Fed, tmp_path: Path) -> None:
    run(fed, "create", "-R", "-f", str(EXAMPLES))  # the ingress rollout finished: all conform
    run(fed, "apply", "-R", "-f", str(EXAMPLES), "--no-wait")
    expected_unchanged = {"lists": 2, "other": 2, "replicaset": 1}
    assert counts(fed, fed.names[0]) == {**expected_unchanged, "field check": 3}
    assert [counts(fed, cluster) for cluster in fed.names[1:]] == [expected_unchanged] * 2

    replicaset = (EXAMPLES / "myreplicaset.yaml").read_text().replace("replicas: 6", "replicas: 9")
    changed = manifest_file(tmp_path, "rs.yaml", [replicaset])
    run(fed, "apply", "-f", changed, "--no-wait")
    # the ReplicaSet's own read, then one server-side apply; the namespace read
    expected = {"replicaset": 2, "other": 1}
    assert counts(fed, fed.names[0]) == {**expected, "field check": 1}
    assert [counts(fed, cluster) for cluster in fed.names[1:]] == [expected] * 2
