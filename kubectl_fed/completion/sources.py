"""Where completion candidates come from: kubeconfig, the membership file, member clusters.

Completion runs on every Tab press, so it stays cheap: contexts are read from the
kubeconfig files one by one (a broken one is skipped), and only object names and
namespaces reach a cluster, from whichever members answer within a short deadline, so a
dead member never stalls the shell. Every failure means "no candidates", never an error.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from kubectl_fed.core.kinds import NAMESPACE, Kind
from kubectl_fed.core.members.fanout import fan_out
from kubectl_fed.core.model.objects import KubeObject, name_of
from kubectl_fed.core.settings import Settings

if TYPE_CHECKING:
    from kubectl_fed.app import App

T = TypeVar("T")

# Bounds on reaching members while the user waits for a Tab press.
REQUEST_TIMEOUT_SECONDS = 1.0
DEADLINE_SECONDS = 1.5


@dataclass(frozen=True)
class Flags:
    """The global flags typed so far on the command line being completed."""

    kubeconfig: str | None = None
    federation: str | None = None
    clusters: str | None = None
    namespace: str | None = None
    all_namespaces: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Flags:
        return cls(
            kubeconfig=params.get("kubeconfig"),
            federation=params.get("federation"),
            clusters=params.get("clusters"),
            namespace=params.get("namespace"),
            all_namespaces=bool(params.get("all_namespaces")),
        )


class Sources:
    """Candidate values read from this user's files and clusters."""

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        request_timeout: float = REQUEST_TIMEOUT_SECONDS,
        deadline: float = DEADLINE_SECONDS,
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._request_timeout = request_timeout
        self._deadline = deadline

    def contexts(self, flags: Flags) -> list[str]:
        """Context names in kubeconfig order (the first file defining a name wins)."""
        from kubectl_fed.backends.kubeconfig import kubeconfig_paths, read_kubeconfig_file

        names: dict[str, None] = {}
        no_paths: list[str] = []
        no_document: dict[str, Any] = {}
        for path in _quietly(lambda: kubeconfig_paths(flags.kubeconfig, self._environ), no_paths):
            document = _quietly(partial(read_kubeconfig_file, path), no_document)
            for entry in document.get("contexts") or []:
                if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                    names.setdefault(entry["name"], None)
        return list(names)

    def federations(self) -> list[str]:
        return list(_quietly(lambda: self._federation_config().federations, {}))

    def members(self, flags: Flags) -> list[str]:
        """Members of --federation, else of the current federation."""
        members = _quietly(lambda: self._federation_config().members(flags.federation), None)
        return list(members or ())

    def object_names(self, flags: Flags, kinds: Sequence[Kind]) -> list[str]:
        """Names of `kinds` in the namespace in use, from the first member that answers."""
        return self._names_from_members(flags, kinds, namespaced=True)

    def namespaces(self, flags: Flags) -> list[str]:
        return self._names_from_members(flags, [NAMESPACE], namespaced=False)

    def _federation_config(self) -> Any:
        from kubectl_fed.backends.membership_file import membership_path, read_membership

        return read_membership(membership_path(self._environ))

    def _names_from_members(
        self, flags: Flags, kinds: Sequence[Kind], namespaced: bool
    ) -> list[str]:
        if not kinds:
            return []
        app = _quietly(lambda: self._app(flags), None)
        if app is None:
            return []
        namespace = _quietly(lambda: app.namespace, None) if namespaced else None
        if namespaced and namespace is None and not flags.all_namespaces:
            return []
        return self._first_answer(app, lambda cluster: _list_names(app, cluster, kinds, namespace))

    def _app(self, flags: Flags) -> App:
        from kubectl_fed.app import App

        settings = Settings(
            kubeconfig=flags.kubeconfig,
            federation=flags.federation,
            clusters=flags.clusters,
            namespace=flags.namespace,
            all_namespaces=flags.all_namespaces,
            request_timeout=self._request_timeout,
        )
        app = App(settings, self._environ)
        app.members  # noqa: B018 -- resolve the selection now: a usage error means no names
        return app

    def _first_answer(self, app: App, operation: Callable[[str], list[str]]) -> list[str]:
        """All members asked at once; the first in member order that answered wins."""
        members = app.members
        workers = app.settings.workers(len(members))
        results = fan_out(members, operation, workers=workers, deadline=self._deadline)
        return next((r.value for r in results if r.value is not None), [])


def _list_names(app: App, cluster: str, kinds: Sequence[Kind], namespace: str | None) -> list[str]:
    backend = app.backend(cluster)
    return sorted(
        {_name(obj) for kind in kinds for obj in backend.list(kind.plural, namespace)} - {""}
    )


def _name(obj: KubeObject) -> str:
    return name_of(obj)


def _quietly(produce: Callable[[], T], fallback: T) -> T:
    """`produce()`, or `fallback` when anything goes wrong: completion never fails loudly."""
    try:
        return produce()
    except Exception:
        return fallback
