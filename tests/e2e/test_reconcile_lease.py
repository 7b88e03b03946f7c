"""The Lease flags of `reconcile --watch` turned into leadership, against the sandbox."""

from __future__ import annotations

import pytest

from kubectl_fed.app import App
from kubectl_fed.commands.reconcile.lease import leadership_line, lease_leadership
from kubectl_fed.core.converge.leader_elector import LeaseObservation
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.settings import Settings
from kubectl_fed.errors import UsageError
from kubectl_fed.sandbox.federation import SandboxFederation

WHERE = "kube-system/kubectl-fed-sandbox in us-central1"


def app_for(fed_env: dict[str, str]) -> App:
    return App(Settings(request_timeout=5), fed_env)


def lease_holder(sandbox: SandboxFederation, cluster: str) -> str:
    lease = sandbox.cluster(cluster).store.get("leases", "kube-system", "kubectl-fed-sandbox")
    return str(lease["spec"]["holderIdentity"])


def test_two_watchers_one_leads_the_other_says_who(
    sandbox: SandboxFederation, fed_env: dict[str, str]
) -> None:
    app = app_for(fed_env)
    first = lease_leadership(
        app, lease_cluster=None, in_cluster=False, lease_duration=15, identity="a_1_x"
    )
    second = lease_leadership(
        app, lease_cluster=None, in_cluster=False, lease_duration=15, identity="b_2_y"
    )
    assert first.period == 2.0  # client-go's retry period for a 15 s lease
    assert first.acquire() == (True, f"leading: lease {WHERE} held by this process (a_1_x)")
    assert second.acquire() == (False, f"waiting: lease {WHERE} is held by a_1_x")
    assert second.acquire() == (False, f"waiting: lease {WHERE} is held by a_1_x")  # same line
    assert lease_holder(sandbox, "us-central1") == "a_1_x"
    first.release()
    assert lease_holder(sandbox, "us-central1") == ""
    assert second.acquire()[0] and lease_holder(sandbox, "us-central1") == "b_2_y"
    app.close()


def test_lease_cluster_picks_the_member(
    sandbox: SandboxFederation, fed_env: dict[str, str]
) -> None:
    app = app_for(fed_env)
    chosen = lease_leadership(
        app, lease_cluster="asia-east1", in_cluster=False, lease_duration=15, identity="a_1_x"
    )
    leading, line = chosen.acquire()
    assert leading and "kube-system/kubectl-fed-sandbox in asia-east1" in line
    assert lease_holder(sandbox, "asia-east1") == "a_1_x"
    app.close()


def test_lease_flag_usage_errors(sandbox: SandboxFederation, fed_env: dict[str, str]) -> None:
    app = app_for(fed_env)
    with pytest.raises(UsageError, match="cannot be used together"):
        lease_leadership(app, lease_cluster="asia-east1", in_cluster=True, lease_duration=15)
    with pytest.raises(UsageError, match="no context 'nowhere'"):
        lease_leadership(app, lease_cluster="nowhere", in_cluster=False, lease_duration=15)
    outside = {k: v for k, v in fed_env.items() if not k.startswith("KUBERNETES_SERVICE")}
    with pytest.raises(UsageError, match="not running inside a cluster"):
        lease_leadership(
            App(Settings(), outside), lease_cluster=None, in_cluster=True, lease_duration=15
        )


def test_lines_say_each_situation_once() -> None:
    error = ClusterCallError(Reason.UNREACHABLE, "connection refused\n")
    lines = {
        leadership_line(LeaseObservation(True, "me", 15.0, error), "L", "me"),
        leadership_line(LeaseObservation(True, "me", 3.0, error), "L", "me"),
    }
    assert lines == {
        "leading: lease L not renewed (Unreachable: connection refused\\n); "
        "stepping down if it stays so"
    }
    waiting = LeaseObservation(False, None, 0.0, error)
    assert leadership_line(waiting, "L", "me") == (
        "waiting: lease L not readable (Unreachable: connection refused\\n): not reconciling"
    )
    free = LeaseObservation(False, None, 0.0)
    assert leadership_line(free, "L", "me") == "waiting: lease L is free; taking it on the next try"
