"""Create / apply / delete in one member, against an in-memory ClusterBackend."""

from __future__ import annotations

import builtins
import copy
import json
from typing import Any

import pytest

from kubectl_fed.core.kinds import INGRESS, SERVICE
from kubectl_fed.core.manifests.load import Source, load
from kubectl_fed.core.members.protocols import DELETE, ClusterBackend, Deletion
from kubectl_fed.core.members.results import ClusterCallError, ClusterError, ClusterResult, Reason
from kubectl_fed.core.model.desired import spec_hash
from kubectl_fed.core.model.markers import mark
from kubectl_fed.core.writes.member import (
    DeleteOptions,
    Desired,
    WriteOptions,
    delete_member,
    desired_by_member,
    outcomes_status,
    write_member,
)
from kubectl_fed.core.writes.plans import Action, DryRun, Outcome, Target, Verb
from kubectl_fed.exit_status import ExitStatus

Key = tuple[str, str | None, str]
PLURALS = {"Service": "services", "Ingress": "ingresses", "Namespace": "namespaces"}


class MemoryBackend(ClusterBackend):
    """Objects in a dict; every call recorded as (verb, key, dry_run)."""

    name = "mem"

    def __init__(self, *namespaces: str) -> None:
        self.objects: dict[Key, dict[str, Any]] = {
            ("namespaces", None, ns): {"metadata": {"name": ns}} for ns in namespaces
        }
        self.calls: list[tuple[str, Key, bool]] = []
        self.fail_with: ClusterCallError | None = None

    def _key(self, obj: dict[str, Any]) -> Key:
        meta = obj["metadata"]
        return (PLURALS[obj["kind"]], meta.get("namespace"), meta["name"])

    def _check(self) -> None:
        if self.fail_with is not None:
            raise self.fail_with

    def server_version(self) -> str:
        return "v1.32.0"

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any]:
        self._check()
        self.calls.append(("get", (kind, namespace, name), False))
        if (kind, namespace, name) not in self.objects:
            raise ClusterCallError(Reason.NOT_FOUND, f'{kind} "{name}" not found')
        return copy.deepcopy(self.objects[(kind, namespace, name)])

    def list(
        self, kind: str, namespace: str | None, label_selector: str | None = None
    ) -> list[Any]:
        return [o for (k, ns, _), o in self.objects.items() if k == kind and ns == namespace]

    def create(self, obj: dict[str, Any], *, dry_run: bool = False) -> dict[str, Any]:
        self._check()
        key = self._key(obj)
        self.calls.append(("create", key, dry_run))
        if key in self.objects:
            raise ClusterCallError(Reason.ALREADY_EXISTS, "exists")
        if not dry_run:
            self.objects[key] = copy.deepcopy(obj)
        return obj

    def apply(self, obj: dict[str, Any], *, field_manager: str, dry_run: bool = False) -> Any:
        self._check()
        assert field_manager == "kubectl-fed"
        key = self._key(obj)
        self.calls.append(("apply", key, dry_run))
        if not dry_run:
            self.objects[key] = copy.deepcopy(obj)
        return obj

    def create_as_applied(
        self, obj: dict[str, Any], *, field_manager: str, dry_run: bool = False
    ) -> Any:
        assert field_manager == "kubectl-fed"
        return self.create(obj, dry_run=dry_run)

    def delete(self, kind: str, namespace: str | None, name: str, how: Deletion = DELETE) -> None:
        self._check()
        dry_run = how.dry_run
        self.calls.append(("delete", (kind, namespace, name), dry_run))
        if (kind, namespace, name) not in self.objects:
            raise ClusterCallError(Reason.NOT_FOUND, f'{kind} "{name}" not found')
        if not dry_run:
            del self.objects[(kind, namespace, name)]

    def _not_used(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the writes never replace or patch")

    replace = json_patch = _not_used

    def writes(self) -> builtins.list[tuple[str, Key, bool]]:
        return [call for call in self.calls if call[0] != "get"]


def service(name: str = "web", namespace: str = "default", port: int = 80) -> Desired:
    obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"ports": [{"port": port}]},
    }
    return Desired(Target(SERVICE, namespace, name), mark(obj, "fed"))


def summary(outcomes: list[Outcome]) -> list[tuple[str, str]]:
    return [
        (o.target.subject, o.action.value if o.action else f"error {o.error and o.error.reason}")
        for o in outcomes
    ]


def test_create_then_create_again_is_already_exists() -> None:
    backend = MemoryBackend("default")
    options = WriteOptions(Verb.CREATE)
    assert summary(write_member(backend, [service()], options)) == [
        ("service default/web", "created")
    ]
    assert backend.writes() == [("create", ("services", "default", "web"), False)]
    assert summary(write_member(backend, [service()], options)) == [
        ("service default/web", "error AlreadyExists")
    ]


def test_apply_creates_updates_and_leaves_conforming_objects_alone() -> None:
    backend = MemoryBackend("default")
    options = WriteOptions(Verb.APPLY)
    assert summary(write_member(backend, [service()], options))[0][1] == "created"
    assert summary(write_member(backend, [service()], options))[0][1] == "unchanged"
    assert summary(write_member(backend, [service(port=81)], options))[0][1] == "configured"
    assert [call[0] for call in backend.writes()] == ["apply", "apply"]
    assert backend.objects[("services", "default", "web")]["spec"]["ports"] == [{"port": 81}]


def test_adoption_and_no_adopt() -> None:
    backend = MemoryBackend("default")
    foreign = {"kind": "Service", "metadata": {"name": "web", "namespace": "default"}}
    backend.objects[("services", "default", "web")] = foreign
    refused = write_member(backend, [service()], WriteOptions(Verb.CREATE, adopt=False))
    assert summary(refused) == [("service default/web", "error AlreadyExists")]
    assert backend.writes() == []
    adopted = write_member(backend, [service()], WriteOptions(Verb.CREATE))
    assert summary(adopted) == [("service default/web", "adopted")]
    labels = backend.objects[("services", "default", "web")]["metadata"]["labels"]
    assert labels == {"app.kubernetes.io/managed-by": "kubectl-fed"}


def test_missing_namespace_is_reported_per_object() -> None:
    backend = MemoryBackend("default")
    outcomes = write_member(
        backend, [service(namespace="shop"), service()], WriteOptions(Verb.APPLY)
    )
    assert summary(outcomes) == [
        ("service shop/web", "error NotFound"),
        ("service default/web", "created"),
    ]
    assert outcomes[0].error is not None
    assert outcomes[0].error.message == 'namespaces "shop" not found (use --create-namespace)'


def test_create_namespace_first() -> None:
    backend = MemoryBackend()
    options = WriteOptions(Verb.APPLY, create_namespace=True)
    outcomes = write_member(backend, [service(namespace="shop")], options)
    assert summary(outcomes) == [("namespace shop", "created"), ("service shop/web", "created")]
    assert [call[1][0] for call in backend.writes()] == ["namespaces", "services"]


@pytest.mark.parametrize("dry_run", [DryRun.CLIENT, DryRun.SERVER])
def test_dry_runs_change_nothing(dry_run: DryRun) -> None:
    backend = MemoryBackend("default")
    options = WriteOptions(Verb.APPLY, dry_run=dry_run, create_namespace=True)
    outcomes = write_member(backend, [service(), service(namespace="shop")], options)
    assert summary(outcomes) == [
        ("namespace shop", "created"),
        ("service default/web", "created"),
        ("service shop/web", "created"),
    ]
    assert set(backend.objects) == {("namespaces", None, "default")}
    expected = [] if dry_run is DryRun.CLIENT else [True, True]
    assert [call[2] for call in backend.writes()] == expected


def test_member_wide_failures_propagate_others_are_per_object() -> None:
    backend = MemoryBackend("default")
    backend.fail_with = ClusterCallError(Reason.UNREACHABLE, "connection refused")
    with pytest.raises(ClusterCallError):
        write_member(backend, [service()], WriteOptions(Verb.APPLY))
    backend.fail_with = ClusterCallError(Reason.FORBIDDEN, "forbidden")
    outcomes = write_member(backend, [service()], WriteOptions(Verb.APPLY))
    assert summary(outcomes) == [("service default/web", "error Forbidden")]


def test_delete_reports_not_found_and_honours_dry_run() -> None:
    backend = MemoryBackend("default")
    write_member(backend, [service()], WriteOptions(Verb.CREATE))
    targets = [Target(SERVICE, "default", "web"), Target(INGRESS, "default", "web")]
    planned = delete_member(backend, targets, DeleteOptions(DryRun.CLIENT))
    assert summary(planned) == [
        ("service default/web", "deleted"),
        ("ingress default/web", "error NotFound"),
    ]
    assert ("services", "default", "web") in backend.objects
    done = delete_member(backend, targets[:1], DeleteOptions(wait_seconds=5), sleep=lambda s: None)
    assert [o.action for o in done] == [Action.DELETE]
    assert ("services", "default", "web") not in backend.objects


def test_desired_by_member_marks_each_members_copy() -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n"
    manifests = load([Source("s.yaml", text)], namespace_flag=None, default_namespace="d", verb="x")
    per_member = desired_by_member(manifests, ["a", "b"], "prod")
    assert list(per_member) == ["a", "b"]
    first, second = per_member["a"][0], per_member["b"][0]
    assert first.target == Target(SERVICE, "d", "web")
    annotations = first.obj["metadata"]["annotations"]
    assert annotations["kubectl-fed.io/federation"] == "prod"
    recorded = json.loads(annotations["kubectl-fed.io/desired"])
    assert recorded == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "d"},
        "spec": {"ports": [{"port": 80}]},
    }
    assert annotations["kubectl-fed.io/desired-hash"] == spec_hash(recorded)
    assert annotations == second.obj["metadata"]["annotations"]  # one record, one time
    assert first.obj is not second.obj
    assert "labels" not in manifests[0].obj["metadata"]


def test_outcomes_status_counts_member_object_pairs() -> None:
    target = Target(SERVICE, "d", "web")
    done = Outcome(target, Action.CREATE)
    failed = Outcome(target, error=ClusterError(Reason.FORBIDDEN, "no"))
    down = ClusterError(Reason.UNREACHABLE, "refused")
    interrupted = ClusterError(Reason.INTERRUPTED, "Ctrl-C")
    assert outcomes_status([ClusterResult("a", value=[done, done])]) is ExitStatus.OK
    assert outcomes_status([ClusterResult("a", value=[done, failed])]) is ExitStatus.PARTIAL
    assert (
        outcomes_status([ClusterResult("a", value=[failed]), ClusterResult("b", error=down)])
        is ExitStatus.FAILED
    )
    assert (
        outcomes_status([ClusterResult("a", value=[done]), ClusterResult("b", error=interrupted)])
        is ExitStatus.INTERRUPTED
    )
