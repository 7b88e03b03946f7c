"""Lists come in pages of 500 (`limit` and `continue`); a `continue` token the server no
longer knows (410 Expired) starts the list again, once. 2,000 Services in one member."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kubectl_fed.backends.kube import KubeBackend
from kubectl_fed.backends.kubeconfig import load_kubeconfig
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.fed import Fed

SERVICES = 2000
PAGE_PATH = "/api/v1/namespaces/default/services"


@pytest.fixture
def crowded(sandbox: SandboxFederation) -> SandboxFederation:
    """2,000 Services (plus `kubernetes`) in the first member's `default` namespace."""
    store = sandbox.cluster(sandbox.names[0]).store
    for index in range(SERVICES):
        store.create(
            "services",
            "default",
            {"metadata": {"name": f"svc-{index:04d}"}, "spec": {"ports": [{"port": 80}]}},
        )
    return sandbox


def backend(sandbox: SandboxFederation, trace: Callable[[str], None]) -> KubeBackend:
    """The first member's backend; `trace` sees a line after each request."""
    config = load_kubeconfig(str(sandbox.kubeconfig_path), {})
    name = sandbox.names[0]
    transport = config.transport(name, pool_size=1, environ={})
    return KubeBackend(name, transport, request_timeout=10, trace=trace)


def page_queries(sandbox: SandboxFederation) -> list[str]:
    records = sandbox.cluster(sandbox.names[0]).requests.records()
    return [record.query for record in records if record.path == PAGE_PATH]


def test_get_lists_every_page(crowded: SandboxFederation, fed_env: dict[str, str]) -> None:
    fed = Fed(crowded, fed_env)
    fed.clear_requests()
    listed = fed.run("get", "svc", "--clusters", crowded.names[0], "-o", "name")
    assert listed.status == 0, listed.err
    names = listed.out_lines
    assert len(names) == SERVICES + 1
    assert names[:2] == ["service/kubernetes", "service/svc-0000"]
    assert names[-1] == f"service/svc-{SERVICES - 1:04d}"
    queries = page_queries(crowded)
    assert len(queries) == 5  # 2,001 objects, 500 a page
    assert queries[0] == "limit=500"
    assert all(query.startswith("limit=500&continue=") for query in queries[1:])


def churn(sandbox: SandboxFederation, changes: int) -> None:
    """More changes than the member's event history keeps: older list tokens expire."""
    store = sandbox.cluster(sandbox.names[0]).store
    if not store.list("configmaps", "default"):
        store.create("configmaps", "default", {"metadata": {"name": "churn"}})
    for count in range(changes):
        current = store.get("configmaps", "default", "churn")
        store.update("configmaps", "default", "churn", {**current, "data": {"n": str(count)}})


def test_an_expired_continue_token_restarts_the_list_once(crowded: SandboxFederation) -> None:
    lines: list[str] = []
    churned: list[bool] = []

    def after_first_page(line: str) -> None:
        lines.append(line)
        if not churned:
            churned.append(True)
            churn(crowded, 1100)

    member = backend(crowded, after_first_page)
    crowded.cluster(crowded.names[0]).requests.clear()
    services = member.list("services", "default")
    assert len(services) == SERVICES + 1
    statuses = [line.rsplit(" -> ", 1)[1].split()[0] for line in lines]
    assert statuses == ["200", "410", "200", "200", "200", "200", "200"]
    queries = page_queries(crowded)
    assert queries[0] == queries[2] == "limit=500"  # started again from the first page


def test_a_list_expiring_twice_is_the_members_error(crowded: SandboxFederation) -> None:
    def after_every_page(line: str) -> None:
        if " -> 200 " in line:
            churn(crowded, 1100)

    member = backend(crowded, after_every_page)
    with pytest.raises(ClusterCallError) as caught:
        member.list("services", "default")
    assert caught.value.reason is Reason.CONFLICT
    assert "continue parameter is too old" in caught.value.message
