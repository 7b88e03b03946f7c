"""`kubectl fed unfederate`: the federation's markers leave every member's copy, the copies stay.

Each copy is patched with a JSON patch whose `test` operations guard the values removed; a
marker changed in between fails the test and the copy is read again (up to three times).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.fed import EXAMPLES, MARKER_LABEL, Fed
from tests.support.polling import eventually

NGINX = [str(EXAMPLES / "services" / "nginx.yaml"), str(EXAMPLES / "myreplicaset.yaml")]


@pytest.fixture
def fed(fed: Fed) -> Fed:
    assert fed.run("create", "-f", NGINX[0], "-f", NGINX[1]).status == 0
    return fed


def markers(obj: dict[str, Any]) -> list[str]:
    metadata = obj["metadata"]
    keys = [key for key in metadata.get("annotations", {}) if key.startswith("kubectl-fed.io/")]
    return keys + [key for key in metadata.get("labels", {}) if key == MARKER_LABEL]


def pods_of(fed: Fed, cluster: str) -> int:
    pods = fed.objects(cluster, "pods").values()
    return sum(pod["metadata"].get("labels", {}).get("app") == "nginx" for pod in pods)


def test_unfederate_leaves_the_copies_and_forgets_them(fed: Fed) -> None:
    before = {c: fed.objects(c, "replicasets")["nginx"] for c in fed.names}
    assert all(markers(obj) for obj in before.values())
    assert eventually(lambda: all(pods_of(fed, c) == 2 for c in fed.names))

    done = fed.run("unfederate", "rs/nginx", "svc/nginx")
    assert done.status == 0, done.err
    assert done.out_lines == [f"{c}: replicaset.apps/nginx unfederated" for c in fed.names] + [
        f"{c}: service/nginx unfederated" for c in fed.names
    ]
    for cluster in fed.names:
        for plural in ("replicasets", "services"):
            copy = fed.objects(cluster, plural)["nginx"]
            assert markers(copy) == [], (cluster, plural)
            # the last annotation removed leaves no empty map behind, as upstream's omitempty
            assert "annotations" not in copy["metadata"], (cluster, plural)
            assert copy["metadata"]["labels"] == {"app": "nginx"}
        rs = fed.objects(cluster, "replicasets")["nginx"]
        assert rs["spec"] == before[cluster]["spec"] and rs["spec"]["replicas"] == 2
        assert pods_of(fed, cluster) == 2

    again = fed.run("unfederate", "rs", "nginx")
    assert (again.status, again.out_lines) == (
        0,
        [f"{c}: replicaset.apps/nginx unchanged" for c in fed.names],
    )
    # the federation no longer knows it: reconcile leaves the copies as they are
    fed.clear_requests()
    assert fed.run("reconcile", "rs", "nginx").status == 0
    assert fed.writes() == {c: [] for c in fed.names}


def test_unfederate_by_file_dry_run_and_member_choice(fed: Fed) -> None:
    fed.clear_requests()
    dry = fed.run("unfederate", "-f", NGINX[1], "--dry-run=server", "-o", "name")
    assert (dry.status, dry.out) == (0, "replicaset.apps/nginx\n")
    assert all(markers(fed.objects(c, "replicasets")["nginx"]) for c in fed.names)
    assert all(
        "dryRun=All" in write and write.startswith("PATCH")
        for writes in fed.writes().values()
        for write in writes
    )
    one = fed.run("unfederate", "svc", "nginx", "--clusters", "asia-east1")
    assert (one.status, one.out) == (0, "asia-east1: service/nginx unfederated\n")
    left = {c: bool(markers(fed.objects(c, "services")["nginx"])) for c in fed.names}
    assert left == {"us-central1": True, "europe-west1": True, "asia-east1": False}

    missing = fed.run("unfederate", "svc", "nginx", "nothere")
    assert missing.status == 3 and missing.err_lines == [
        f'error: cluster {c}: service default/nothere: not found: services "nothere" not found'
        for c in fed.names
    ]
    quiet = fed.run("unfederate", "svc", "nothere", "--ignore-not-found")
    assert (quiet.status, quiet.out, quiet.err) == (0, "", "")


def concurrent_writer(fed: Fed, cluster: str, times: int) -> Callable[..., Any]:
    """The member's store, changing the copy's record just before each of the first `times`
    JSON patches, as another writer between unfederate's read and its patch would."""
    store = fed.sandbox.cluster(cluster).store
    original = store.patch
    left = [times]

    def patch(
        resource: str,
        namespace: str | None,
        name: str,
        body: Any,
        kind: str = "merge",
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        if kind == "json" and left[0] > 0:
            left[0] -= 1
            stamp = {"metadata": {"annotations": {"kubectl-fed.io/written-at": f"later-{left[0]}"}}}
            original(resource, namespace, name, stamp, "merge")
        return original(resource, namespace, name, body, kind, *args, **kwargs)

    return patch


def test_a_concurrent_change_is_read_again_never_overwritten(
    fed: Fed, monkeypatch: pytest.MonkeyPatch
) -> None:
    us, eu = "us-central1", "europe-west1"
    monkeypatch.setattr(fed.sandbox.cluster(us).store, "patch", concurrent_writer(fed, us, 2))
    monkeypatch.setattr(fed.sandbox.cluster(eu).store, "patch", concurrent_writer(fed, eu, 3))
    fed.clear_requests()
    ran = fed.run("unfederate", "svc", "nginx")
    assert ran.status == 3
    assert ran.out_lines == [f"{c}: service/nginx unfederated" for c in (us, "asia-east1")]
    assert ran.err_lines == [
        f"error: cluster {eu}: service default/nginx: conflict: its markers changed "
        "while being removed, 3 times: run it again"
    ]
    assert markers(fed.objects(us, "services")["nginx"]) == []
    kept = fed.objects(eu, "services")["nginx"]
    # the other writer's value stands: the failed test kept the patch from removing it
    assert kept["metadata"]["annotations"]["kubectl-fed.io/written-at"] == "later-0"
    patches = [w for w in fed.writes()[us] if w.startswith("PATCH")]
    assert len(patches) == 3
