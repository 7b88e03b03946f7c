"""Status aggregation: members' copies folded into one federated status per kind."""

from __future__ import annotations

from typing import Any

from kubectl_fed.core.kinds import INGRESS, REPLICASET, SERVICE
from kubectl_fed.core.status.federated import fold
from kubectl_fed.core.status.fold import Health, Presence, Snapshot
from kubectl_fed.core.status.ingress import IngressStatus
from kubectl_fed.core.status.replicas import ReplicaSetStatus
from kubectl_fed.core.status.service import ServiceStatus
from tests.support.members import ASIA, EU, US
from tests.support.status_objects import (
    backend,
    endpoints,
    event,
    ingress,
    ok,
    replicaset,
    service,
    snapshot,
    unreachable,
)

READY = ["10.1.0.2", "10.1.0.3"]


def ingress_status(*results: object) -> IngressStatus:
    status = fold(INGRESS, "default", "myingress", results).status  # type: ignore[arg-type]
    assert isinstance(status, IngressStatus)
    return status


def test_one_common_address_and_every_member_a_healthy_shard() -> None:
    status = ingress_status(*(ok(c, snapshot(ingress(), READY)) for c in (US, EU, ASIA)))
    assert status.address == "130.211.5.194"
    assert status.agreed and status.pending == ()
    assert status.healthy == [US, EU, ASIA]
    assert [(r.cluster, r.shard.ready, r.shard.total, r.note) for r in status.rows] == [
        (c, 2, 2, "") for c in (US, EU, ASIA)
    ]
    (rule,) = status.rules
    assert (rule.host, rule.path, rule.backend.text) == ("*", "*", "nginx:80")
    assert dict(rule.endpoints)[EU] == ("10.1.0.2:8080", "10.1.0.3:8080")


def test_disagreeing_addresses_are_listed_per_member_and_noted() -> None:
    status = ingress_status(
        ok(US, snapshot(ingress("203.0.113.1"), READY)),
        ok(EU, snapshot(ingress("203.0.113.2"), READY)),
    )
    assert status.address is None and not status.agreed
    assert status.addresses == ((US, "203.0.113.1"), (EU, "203.0.113.2"))
    assert {r.note for r in status.rows} == {"address differs from other members"}


def test_a_member_without_ready_endpoints_is_an_unhealthy_shard_with_the_reason() -> None:
    no_ready = Snapshot(
        ingress(),
        services={"nginx": service()},
        endpoints={"nginx": endpoints([], not_ready=("10.3.0.9",))},
    )
    status = ingress_status(
        ok(US, snapshot(ingress(), READY)),
        ok(EU, snapshot(ingress(), [])),
        ok(ASIA, no_ready),
    )
    assert status.healthy == [US]
    assert [(r.cluster, r.shard.health, r.note) for r in status.unhealthy] == [
        (EU, Health.UNHEALTHY, "service nginx has no ready endpoints"),
        (ASIA, Health.UNHEALTHY, "service nginx has no ready endpoints (1 not ready)"),
    ]
    assert status.rows[2].shard.endpoints_text == "0/1"


def test_a_missing_backing_service_makes_the_shard_unhealthy() -> None:
    status = ingress_status(ok(US, Snapshot(ingress())))
    assert status.rows[0].shard.health is Health.UNHEALTHY
    assert status.rows[0].note == "service nginx not found"


def test_pending_missing_and_unreachable_members() -> None:
    status = ingress_status(
        ok(US, snapshot(ingress(), READY)),
        ok(EU, snapshot(ingress(ip=None), READY)),
        ok(ASIA, Snapshot(None)),
        unreachable("africa-south1"),
    )
    assert status.address == "130.211.5.194"
    assert status.pending == (EU,)
    assert [(r.presence, r.note) for r in status.rows] == [
        (Presence.PRESENT, ""),
        (Presence.PRESENT, "no address yet"),
        (Presence.MISSING, "ingress not found in this cluster"),
        (Presence.FAILED, "Unreachable: connection refused"),
    ]


def test_tls_rules_and_named_ports_resolve_to_endpoints() -> None:
    spec: dict[str, Any] = {
        "tls": [{"hosts": ["foo.example.com"], "secretName": "tls-secret"}],
        "rules": [
            {
                "host": "foo.example.com",
                "http": {"paths": [{"path": "/api", "backend": backend("nginx", "http")}]},
            }
        ],
    }
    status = ingress_status(ok(US, snapshot(ingress(**spec), READY)))
    assert [(t.hosts, t.secret) for t in status.tls] == [(("foo.example.com",), "tls-secret")]
    (rule,) = status.rules
    assert (rule.host, rule.path, rule.backend.text) == ("foo.example.com", "/api", "nginx:http")
    assert rule.endpoints == ((US, ("10.1.0.2:8080", "10.1.0.3:8080")),)
    assert status.default_backend is None


def test_service_node_ports_agree_or_are_named_per_member() -> None:
    def status_of(*ports: int) -> ServiceStatus:
        results = [
            ok(
                c,
                Snapshot(
                    service(node_port=p),
                    services={"nginx": service()},
                    endpoints={"nginx": endpoints(READY)},
                ),
            )
            for c, p in zip((US, EU, ASIA), ports, strict=False)
        ]
        status = fold(SERVICE, "default", "nginx", results).status
        assert isinstance(status, ServiceStatus)
        return status

    agreed = status_of(30301, 30301, 30301)
    assert agreed.ports[0].agreed and agreed.ports[0].node_port == 30301
    assert agreed.healthy == [US, EU, ASIA]
    split = status_of(30301, 30302)
    assert not split.ports[0].agreed and split.ports[0].node_port is None
    assert split.ports[0].node_ports == ((US, 30301), (EU, 30302))
    assert split.rows[1].note == "port http: node port 30302 differs"
    assert split.rows[0].address == "10.0.0.1"


def replicaset_status(*results: object) -> ReplicaSetStatus:
    status = fold(REPLICASET, "default", "nginx", results).status  # type: ignore[arg-type]
    assert isinstance(status, ReplicaSetStatus)
    return status


def test_replicaset_totals_and_the_planners_split() -> None:
    status = replicaset_status(*(ok(c, Snapshot(replicaset(2, 2))) for c in (US, EU, ASIA)))
    assert (status.total, status.total_from_annotation) == (6, True)
    assert [(m.desired, m.planned, m.ready) for m in status.members] == [(2, 2, 2)] * 3
    assert (status.sum("current"), status.sum("ready"), status.drifted) == (6, 6, [])


def test_a_member_off_its_planned_share_is_reported() -> None:
    prefs = (
        '{"rebalance": true, "clusters": {"us-central1": {"weight": 1}, '
        '"europe-west1": {"weight": 2}, "asia-east1": {"weight": 2}}}'
    )
    status = replicaset_status(
        ok(US, Snapshot(replicaset(0, 0, total=10, prefs=prefs))),
        ok(EU, Snapshot(replicaset(4, 4, total=10, prefs=prefs))),
        ok(ASIA, Snapshot(replicaset(4, 3, total=10, prefs=prefs))),
    )
    assert [m.planned for m in status.members] == [2, 4, 4]
    assert status.drifted == [US]
    assert [m.note for m in status.members] == ["planner wants 2", "", "1 not ready"]
    assert status.preferences == prefs


def test_planned_is_the_rebalanced_split_even_when_preferences_keep_shares() -> None:
    """After a member returns, shares kept by `rebalance: false` show as drift, as in get rs."""
    prefs = '{"clusters": {"*": {"weight": 1}}}'
    status = replicaset_status(
        ok(US, Snapshot(replicaset(3, 3, total=6, prefs=prefs))),
        ok(EU, Snapshot(replicaset(3, 3, total=6, prefs=prefs))),
        ok(ASIA, Snapshot(replicaset(0, 0, total=6, prefs=prefs))),
    )
    assert [m.planned for m in status.members] == [2, 2, 2]
    assert status.drifted == [US, EU, ASIA]


def test_an_unreachable_member_gets_no_share_and_the_total_falls_back_to_the_sum() -> None:
    status = replicaset_status(
        ok(US, Snapshot(replicaset(3, 3, total=None))),
        ok(EU, Snapshot(replicaset(3, 3, total=None))),
        unreachable(ASIA),
    )
    assert (status.total, status.total_from_annotation) == (6, False)
    assert [(m.cluster, m.planned, m.presence) for m in status.members] == [
        (US, 3, Presence.PRESENT),
        (EU, 3, Presence.PRESENT),
        (ASIA, None, Presence.FAILED),
    ]


def test_invalid_preferences_are_a_plan_error_not_a_crash() -> None:
    status = replicaset_status(ok(US, Snapshot(replicaset(2, 2, prefs="{not json"))))
    assert "invalid federation.kubernetes.io/replica-set-preferences" in status.plan_error
    assert status.members[0].planned is None


def test_events_merge_in_time_order_with_their_cluster() -> None:
    fed = fold(
        INGRESS,
        "default",
        "myingress",
        [
            ok(US, Snapshot(ingress(), events=(event("CREATE", "ip: x", "2026-01-02T03:00:00Z"),))),
            ok(
                EU,
                Snapshot(
                    ingress(),
                    events=(
                        event("ADD", "default/myingress", "2026-01-02T02:59:30Z"),
                        event(
                            "Sync",
                            "retrying",
                            "2026-01-02T03:01:00Z",
                            count=3,
                            first="2026-01-02T02:59:40Z",
                        ),
                    ),
                ),
            ),
        ],
    )
    assert [(e.cluster, e.reason, e.count) for e in fed.events] == [
        (EU, "ADD", 1),
        (US, "CREATE", 1),
        (EU, "Sync", 3),
    ]
    assert fed.events[2].first == "2026-01-02T02:59:40Z"
    assert fed.found and fed.answered
