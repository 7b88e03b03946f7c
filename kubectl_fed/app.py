"""The one application object of a run: kubeconfig, membership, selection, backends, fan-out.

Commands build it from the global flags (`App(settings)`) and ask it for what they need;
everything is computed once, on first use, and every usage problem (no kubeconfig,
unknown context, empty selection, ...) is raised as UsageError before any request.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

import click

from kubectl_fed.core.kinds.validation import namespace_problem
from kubectl_fed.core.members.fanout import fan_out
from kubectl_fed.core.members.membership import FederationConfig
from kubectl_fed.core.members.results import ClusterResult, exit_status
from kubectl_fed.core.members.selection import select_clusters
from kubectl_fed.core.model.objects import DEFAULT_NAMESPACE
from kubectl_fed.core.settings import Settings
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.render.cluster_errors import error_lines, interrupted_summary

if TYPE_CHECKING:
    from kubectl_fed.backends.discovery import Discovery
    from kubectl_fed.backends.gce import GceReader
    from kubectl_fed.backends.kube_transport import ClosableTransport
    from kubectl_fed.backends.kubeconfig import KubeConfig
    from kubectl_fed.core.ingress.loadbalancer import LoadBalancerFacts, LoadBalancerRefs
    from kubectl_fed.core.kinds import Kind
    from kubectl_fed.core.members.protocols import MemberCluster

T = TypeVar("T")

CONNECTIONS_PER_CLUSTER = 4
# The fan-out's safety-net deadline: this many request timeouts per cluster operation.
DEFAULT_CALLS_PER_OPERATION = 4


class App:
    def __init__(self, settings: Settings, environ: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self._environ = os.environ if environ is None else environ
        self._backends: dict[str, MemberCluster] = {}
        self._transports: list[ClosableTransport] = []
        self._lock = threading.Lock()
        context = click.get_current_context(silent=True)
        if context is not None:  # connections are closed when the command ends
            context.call_on_close(self.close)

    def close(self) -> None:
        """Close every member's connections (idle keep-alive sockets included)."""
        with self._lock:
            transports, self._transports = self._transports, []
        for transport in transports:
            transport.close()

    # -- configuration, parsed once -------------------------------------------------

    @cached_property
    def kubeconfig(self) -> KubeConfig:
        from kubectl_fed.backends.kubeconfig import load_kubeconfig

        return load_kubeconfig(self.settings.kubeconfig, self._environ)

    @cached_property
    def membership_file(self) -> str:
        from kubectl_fed.backends.membership_file import membership_path

        return membership_path(self._environ)

    @cached_property
    def federations(self) -> FederationConfig:
        from kubectl_fed.backends.membership_file import read_membership

        return read_membership(self.membership_file)

    @contextmanager
    def federations_locked(self) -> Iterator[FederationConfig]:
        """The federations read afresh under the membership file's lock, held until the
        block ends: a change saved inside it cannot lose another run's change."""
        from kubectl_fed.backends.membership_file import membership_lock

        with membership_lock(self.membership_file):
            for cached in ("federations", "federation"):
                self.__dict__.pop(cached, None)
            yield self.federations

    def save_federations(self, config: FederationConfig) -> None:
        from kubectl_fed.backends.membership_file import write_membership

        write_membership(self.membership_file, config)
        self.__dict__["federations"] = config

    @cached_property
    def federation(self) -> str | None:
        """The federation in use: --federation (must exist), else the current one."""
        return self.federations.resolve(self.settings.federation)

    @cached_property
    def members(self) -> list[str]:
        """The selected member clusters, in member order, each checked in kubeconfig."""
        selected = self._selected(list(self.kubeconfig.contexts))
        for cluster in selected:
            self.kubeconfig.check_context(cluster)
        return selected

    @cached_property
    def members_and_broken(self) -> tuple[list[str], dict[str, str]]:
        """The selected members, those missing from the kubeconfig too, and why each broken
        context is broken: `doctor` reports these as failing checks where every other
        command stops with a usage error."""
        listed: Sequence[str] = self.federations.members(self.settings.federation) or []
        contexts = list(self.kubeconfig.contexts)
        selected = self._selected(contexts + [name for name in listed if name not in contexts])
        broken = {}
        for cluster in selected:
            try:
                self.kubeconfig.check_context(cluster)
            except UsageError as err:
                broken[cluster] = str(err)
        return selected, broken

    def _selected(self, known: list[str]) -> list[str]:
        listed = self.federations.members(self.settings.federation)
        return select_clusters(
            known,
            None if listed is None else list(listed),
            self.settings.clusters,
            federation=self.federation,
        )

    @cached_property
    def namespace(self) -> str | None:
        """--namespace, else the first member context's namespace, else "default"; None for -A."""
        if self.settings.namespace and not self.settings.all_namespaces:
            problem = namespace_problem(self.settings.namespace)
            if problem:
                raise UsageError(f"--namespace: {problem}")
        return self.namespace_after(self.members)

    def namespace_after(self, members: Sequence[str]) -> str | None:
        """The run's namespace as `namespace` says, from the first of `members`'s context
        (unchecked: `doctor` passes the members whose context works)."""
        if self.settings.all_namespaces:
            return None
        if self.settings.namespace:
            return self.settings.namespace
        context = self.kubeconfig.contexts.get(members[0]) if members else None
        return (context.namespace if context else None) or DEFAULT_NAMESPACE

    def server(self, cluster: str) -> str:
        """The member's server URL as it may be printed (credentials in it masked)."""
        from kubectl_fed.backends.kube_http import shown_server

        return shown_server(self.kubeconfig.contexts[cluster].server)

    # -- talking to members ----------------------------------------------------------

    def backend(self, cluster: str) -> MemberCluster:
        """The cluster's backend, built once; its client (and credentials) on first call."""
        with self._lock:
            if cluster not in self._backends:
                self._backends[cluster] = self._new_backend(cluster)
            return self._backends[cluster]

    def _new_backend(self, cluster: str) -> MemberCluster:
        from kubectl_fed.backends.kube import KubeBackend

        transport = self.kubeconfig.transport(
            cluster,
            pool_size=CONNECTIONS_PER_CLUSTER,
            environ=self._environ,
            plugin_time_limit=self.settings.request_timeout,
        )
        self._transports.append(transport)
        return KubeBackend(
            cluster,
            transport,
            request_timeout=self.settings.request_timeout,
            trace=_debug_line if self.settings.debug else None,
        )

    def fan_out(
        self,
        operation: Callable[[str], T],
        *,
        clusters: Sequence[str] | None = None,
        calls: int | None = DEFAULT_CALLS_PER_OPERATION,
    ) -> list[ClusterResult[T]]:
        """Run `operation(cluster)` on every selected member (or `clusters`) in parallel.

        `calls` bounds each cluster's operation to that many request timeouts (a safety
        net: the backend already bounds every call); None for operations that wait long.
        """
        targets = self.members if clusters is None else list(clusters)
        deadline = None if calls is None else calls * self.settings.request_timeout + 1.0
        workers = self.settings.workers(len(targets))
        return fan_out(targets, operation, workers=workers, deadline=deadline)

    # -- kinds the members serve -----------------------------------------------------

    def served_alias(self, alias: str) -> Kind | None:
        """A kind that is not federated but the first member serves (API discovery)."""
        discovery = self._discovery
        return None if discovery is None else discovery.by_alias(alias)

    def served_kind(self, api_version: str, kind: str) -> Kind | None:
        discovery = self._discovery
        return None if discovery is None else discovery.by_api_kind(api_version, kind)

    @cached_property
    def _discovery(self) -> Discovery | None:
        from kubectl_fed.backends.discovery import Discovery
        from kubectl_fed.backends.kube import KubeBackend

        backend = self.backend(self.members[0])
        return Discovery(backend) if isinstance(backend, KubeBackend) else None

    # -- Google Cloud: describe ingress and doctor -------------------------------------

    def gce_reader(self, project_flag: str | None, contexts: Sequence[str]) -> GceReader | str:
        """One Google Cloud reader for the run, or why Google Cloud cannot be read."""
        from kubectl_fed.backends.gce import GceUnavailable, reader

        try:
            return reader(project_flag, contexts, self.settings.request_timeout)
        except GceUnavailable as err:
            return str(err)

    @staticmethod
    def read_load_balancer(gce: GceReader, refs: LoadBalancerRefs) -> LoadBalancerFacts | str:
        """What Google Cloud says of the load balancer `refs` names, or why it cannot say."""
        from kubectl_fed.backends.gce import GceUnavailable

        try:
            return gce.read(refs)
        except GceUnavailable as err:
            return str(err)

    # -- reporting ---------------------------------------------------------------------

    def report(self, results: Sequence[ClusterResult[T]], subject: str | None = None) -> ExitStatus:
        """Print one stderr line per failed cluster (and the Ctrl-C summary); the exit status."""
        for line in error_lines(results, subject):
            click.echo(line, err=True)
        summary = interrupted_summary(results)
        if summary:
            click.echo(summary, err=True)
        return exit_status(results)


def _debug_line(line: str) -> None:
    click.echo(f"debug: {line}", err=True)
