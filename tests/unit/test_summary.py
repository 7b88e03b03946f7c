"""`get --summary`: one row per object, members present out of selected, common address."""

from __future__ import annotations

from kubectl_fed.core.kinds import INGRESS, REPLICASET
from kubectl_fed.core.status.listing import Entry
from kubectl_fed.core.status.summary import DIFFERS, summary_rows
from kubectl_fed.render.summary import summary_table
from tests.support.members import ASIA, EU, US
from tests.support.status_objects import ingress, replicaset


def entries(kind: object, name: str, *objects: object) -> list[Entry]:
    return [
        Entry(cluster, kind, "default", name, obj)  # type: ignore[arg-type]
        for cluster, obj in zip((US, EU, ASIA), objects, strict=False)
    ]


def test_summary_rows_and_table() -> None:
    rows = summary_rows(
        [
            *entries(INGRESS, "myingress", ingress("203.0.113.1"), ingress("203.0.113.1"), None),
            *entries(INGRESS, "split", ingress("203.0.113.1"), ingress("203.0.113.2")),
            *entries(REPLICASET, "nginx", replicaset(2, 2), replicaset(2, 2)),
        ],
        members=3,
    )
    assert [(r.name, r.present, r.members, r.address) for r in rows] == [
        ("myingress", 2, 3, "203.0.113.1"),
        ("split", 2, 3, DIFFERS),
        ("nginx", 2, 3, ""),
    ]
    assert summary_table(rows) == "\n".join(
        [
            "NAME                                  MEMBERS   ADDRESS",
            "ingress.networking.k8s.io/myingress   2/3       203.0.113.1",
            "ingress.networking.k8s.io/split       2/3       <differs>",
            "replicaset.apps/nginx                 2/3       <none>",
        ]
    )
    assert summary_table(rows[:1], all_namespaces=True).splitlines()[1].startswith("default   ")
