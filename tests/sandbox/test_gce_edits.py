"""Changes made to the emulated GCE project behind GLBC's back (what doctor must notice)."""

from __future__ import annotations

from kubectl_fed.sandbox.gce import Backend, GceState, Instance, LoadBalancerSpec

UID = "ff1107f83ed600c0"
RULE = f"k8s-fw-default-myingress--{UID}"
BACKEND = f"k8s-be-30301--{UID}"


def synced() -> GceState:
    state = GceState("kubectl-fed-sandbox")
    state.sync_load_balancer(
        LoadBalancerSpec(
            cluster="us-central1",
            namespace="default",
            name="myingress",
            uid=UID,
            firewall_uid="",
            backends=(Backend(30301, "default/nginx", "80"),),
            instances=(Instance("node-a", "us-central1-a", "10.0.0.1"),),
            ready_ports=frozenset({30301}),
        )
    )
    return state


def test_an_edit_replaces_fields_everywhere_the_resource_is_read_until_undone() -> None:
    state = synced()
    ip = state.get_resource("forwardingRules", RULE)
    assert ip is not None and ip["IPAddress"] != "198.51.100.250"
    state.edit_resource("forwardingRules", RULE, {"IPAddress": "198.51.100.250"})
    edited = state.get_resource("forwardingRules", RULE)
    assert edited is not None and edited["IPAddress"] == "198.51.100.250"
    assert edited["target"] == ip["target"] and edited["id"] == ip["id"]
    assert [r["IPAddress"] for r in state.list_resources("forwardingRules")] == ["198.51.100.250"]
    state.undo_edits()
    assert state.get_resource("forwardingRules", RULE) == ip


def test_a_deleted_resource_is_gone_and_edits_of_absent_ones_do_nothing() -> None:
    state = synced()
    group = state.links.of("instanceGroups", f"k8s-ig--{UID}", "us-central1-a")
    assert state.group_health(BACKEND, group) is not None
    state.edit_resource("backendServices", BACKEND, None)
    state.edit_resource("addresses", "no-such-address", {"status": "RESERVED"})
    assert state.get_resource("backendServices", BACKEND) is None
    assert state.list_resources("backendServices") == []
    assert state.group_health(BACKEND, group) is None
    assert state.list_resources("addresses")[0]["name"] == RULE
    assert state.get_resource("addresses", "no-such-address") is None
