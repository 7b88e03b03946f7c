"""The Lease of `reconcile --watch`: from the flags to a `LeaderElector`, and what the loop logs.

`lease_leadership(...)` builds what `watch_loop` asks every `period` seconds: `acquire()`
returns (leading, line) where the line changes only when the situation does (the loop logs
it then), and `release()` gives the Lease up on a clean exit.
"""

from __future__ import annotations

from kubectl_fed.app import App
from kubectl_fed.core.converge.leader_election import LEASE_NAMESPACE, lease_name
from kubectl_fed.core.converge.leader_elector import (
    LeaderElector,
    LeaseObservation,
    default_identity,
)
from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.members.membership import DEFAULT_FEDERATION
from kubectl_fed.core.members.protocols import ClusterBackend
from kubectl_fed.errors import UsageError

IN_CLUSTER = "this cluster (in-cluster)"


class LeaseLeadership:
    """Leadership through a Lease (`reconcile.watch.Leadership`)."""

    def __init__(self, elector: LeaderElector, where: str) -> None:
        self.elector = elector
        self.where = where
        # How often the loop calls `acquire` (client-go's retry period: 2 s of 15 s).
        self.period = elector.retry_period

    def acquire(self) -> tuple[bool, str]:
        seen = self.elector.try_acquire_or_renew()
        return seen.is_leader, leadership_line(seen, self.where, self.elector.identity)

    def release(self) -> None:
        """Raises ClusterCallError when the Lease cluster does not answer (the loop logs it)."""
        self.elector.release()


def leadership_line(seen: LeaseObservation, where: str, identity: str) -> str:
    """One line per situation; no countdown in it, so that it changes only with the situation."""
    lease = f"lease {where}"
    problem = ""
    if seen.error is not None:
        problem = f"{seen.error.reason}: {escaped(seen.error.message)}"
    if seen.is_leader and problem:
        return f"leading: {lease} not renewed ({problem}); stepping down if it stays so"
    if seen.is_leader:
        return f"leading: {lease} held by this process ({escaped(identity)})"
    if problem:
        return f"waiting: {lease} not readable ({problem}): not reconciling"
    if seen.holder:
        return f"waiting: {lease} is held by {escaped(seen.holder)}"
    return f"waiting: {lease} is free; taking it on the next try"


def lease_leadership(
    app: App,
    *,
    lease_cluster: str | None,
    in_cluster: bool,
    lease_duration: float,
    identity: str | None = None,
) -> LeaseLeadership:
    """The Lease `kube-system/kubectl-fed-<federation>` in `--lease-cluster` (default: the
    first member) or, with `--lease-in-cluster`, in the cluster this pod runs in."""
    if in_cluster and lease_cluster:
        raise UsageError("--lease-cluster and --lease-in-cluster cannot be used together")
    backend: ClusterBackend
    if in_cluster:
        from kubectl_fed.backends.in_cluster import in_cluster_backend

        backend = in_cluster_backend(request_timeout=app.settings.request_timeout)
        cluster = IN_CLUSTER
    else:
        cluster = lease_cluster or app.members[0]
        app.kubeconfig.check_context(cluster)
        backend = app.backend(cluster)
    name = lease_name(app.federation or DEFAULT_FEDERATION)
    elector = LeaderElector(
        backend,
        name=name,
        identity=identity or default_identity(),
        lease_duration=lease_duration,
    )
    return LeaseLeadership(elector, f"{LEASE_NAMESPACE}/{name} in {cluster}")
