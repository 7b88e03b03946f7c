"""`kubectl fed diff -f FILE`: per member, what `apply -f FILE` would change.

Every member's objects go through apply's own planning (node ports, GLBC UID, replica
shares) and are sent as server-side dry runs; the answer is compared with the live copy.
Exit status as kubectl diff: 0 no differences, 1 differences, 2 bad input, 3 a member or
an object failed (its error on stderr; the other members' diffs are still printed).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import click

from kubectl_fed.app import App
from kubectl_fed.commands.shared.writing import filename_options, load_manifests, write_options
from kubectl_fed.commands.writes.federated import from_cluster_option, write_manifests
from kubectl_fed.commands.writes.flags import FederationFlags
from kubectl_fed.core.members.protocols import ClusterBackend, MemberCluster
from kubectl_fed.core.model.objects import KubeObject, key_of
from kubectl_fed.core.settings import Settings
from kubectl_fed.core.writes.plans import Action, Target, Verb
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import global_options
from kubectl_fed.render.cluster_errors import error_line, interrupted_summary
from kubectl_fed.render.object_diff import unified_diff

Key = tuple[str, str, str]  # plural, namespace, name
CHANGES = (Action.CREATE, Action.UPDATE, Action.ADOPT)


@click.command()
@filename_options(required=True)
@from_cluster_option
@global_options(("table",))
def diff(
    filenames: Sequence[str],
    recursive: bool,
    from_cluster: str | None,
    settings: Settings,
) -> ExitStatus:
    """Show, per member cluster, what apply -f would change (exit 1 when anything would).

    A unified diff per member and object, the member in its header; managedFields and
    status are left out; a member without the object shows it whole, as added.

    \b
    Examples:
      kubectl fed diff -f myingress.yaml && echo "no change"
      kubectl fed get rs nginx -o yaml | kubectl fed diff -f -
    """
    app = DiffApp(settings)
    manifests = load_manifests(app, filenames, "diff", recursive, from_cluster)
    options = write_options(Verb.APPLY, "server", no_adopt=False, create_namespace=False)
    written = write_manifests(app, manifests, options, FederationFlags(wait=False), quiet=True)
    if isinstance(written, ExitStatus):
        return written
    results, _ = written
    changed, failed = False, False
    for result in results:
        if result.error is not None:
            failed = True
            click.echo(error_line(result.cluster, result.error), err=True)
            continue
        recorder = app.recorders[result.cluster]
        for outcome in result.value or []:
            subject = outcome.target.kind.ref(outcome.target.name)
            if outcome.error is not None:
                failed = True
                click.echo(error_line(result.cluster, outcome.error, subject), err=True)
            elif outcome.action in CHANGES:
                text = _diff(result.cluster, outcome.target, recorder)
                if text:
                    changed = True
                    click.echo(text)
    summary = interrupted_summary(results)
    if summary:
        click.echo(summary, err=True)
    if failed:
        return ExitStatus.PARTIAL
    return ExitStatus.FAILED if changed else ExitStatus.OK


def _diff(cluster: str, target: Target, recorder: Recorder) -> str:
    key = (target.kind.plural, target.namespace, target.name)
    merged = recorder.applied.get(key)
    if merged is None:
        return ""
    api = f"{target.kind.api_version}.{target.kind.kind}".replace("/", ".")
    ref = f"{api}.{target.namespace}.{target.name}"
    return unified_diff(cluster, ref, recorder.live.get(key), merged)


class Recorder:
    """A member's backend that keeps the live objects read and the dry-run answers."""

    def __init__(self, backend: ClusterBackend) -> None:
        self._backend = backend
        self._lock = threading.Lock()
        self.live: dict[Key, KubeObject] = {}
        self.applied: dict[Key, KubeObject] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    def get(self, kind: str, namespace: str | None, name: str) -> KubeObject:
        obj = self._backend.get(kind, namespace, name)
        with self._lock:
            self.live[(kind, namespace or "", name)] = obj
        return obj

    def list(
        self, kind: str, namespace: str | None, label_selector: str | None = None
    ) -> list[KubeObject]:
        """The writes take the copies the first fan-out listed: those are the live ones."""
        objects = self._backend.list(kind, namespace, label_selector)
        with self._lock:
            for obj in objects:
                key = (kind, *key_of(obj, default_namespace=""))
                self.live[key] = obj
        return objects

    def apply(self, obj: KubeObject, *, field_manager: str, dry_run: bool = False) -> KubeObject:
        answer = self._backend.apply(obj, field_manager=field_manager, dry_run=True)
        key = (_plural(answer), *key_of(answer, default_namespace=""))
        with self._lock:
            self.applied[key] = answer
        return answer


def _plural(obj: KubeObject) -> str:
    from kubectl_fed.core.kinds import by_api_kind

    kind = by_api_kind(obj.get("apiVersion"), obj.get("kind"))
    return kind.plural if kind is not None else str(obj.get("kind", "")).lower()


class DiffApp(App):
    """The run's App, each member's backend wrapped in a Recorder."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.recorders: dict[str, Recorder] = {}

    def _new_backend(self, cluster: str) -> MemberCluster:
        recorder = Recorder(super()._new_backend(cluster))
        self.recorders[cluster] = recorder
        return recorder
