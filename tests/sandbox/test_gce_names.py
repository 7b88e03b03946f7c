"""GLBC's resource naming scheme, which the emulator and the simulated GLBC share."""

from __future__ import annotations

from kubectl_fed.sandbox.gce import names


def test_names_follow_glbc_scheme() -> None:
    lb = names.load_balancer("default", "myingress", "ff1107f83ed600c0")
    assert lb == "default-myingress--ff1107f83ed600c0"
    assert names.forwarding_rule(lb) == "k8s-fw-default-myingress--ff1107f83ed600c0"
    assert names.forwarding_rule(lb, https=True) == "k8s-fws-default-myingress--ff1107f83ed600c0"
    assert names.target_proxy(lb) == "k8s-tp-default-myingress--ff1107f83ed600c0"
    assert names.target_proxy(lb, https=True) == "k8s-tps-default-myingress--ff1107f83ed600c0"
    assert names.url_map(lb) == "k8s-um-default-myingress--ff1107f83ed600c0"
    assert names.backend_service(30301, "ff1107f83ed600c0") == "k8s-be-30301--ff1107f83ed600c0"
    assert names.instance_group("ff1107f83ed600c0") == "k8s-ig--ff1107f83ed600c0"
    assert names.firewall("ff1107f83ed600c0") == "k8s-fw-l7--ff1107f83ed600c0"


def test_long_names_are_cut_to_63_characters_ending_alphanumeric() -> None:
    lb = names.load_balancer("a-rather-long-namespace", "an-ingress-with-a-long-name-", "uid")
    rule = names.forwarding_rule(lb)
    assert len(rule) == 63
    assert rule.startswith("k8s-fw-a-rather-long-namespace-an-ingress-with-a-long")
    assert rule.endswith("0")


def test_an_empty_uid_gives_legacy_names_without_suffix() -> None:
    assert names.load_balancer("default", "web", "") == "default-web"
    assert names.instance_group("") == "k8s-ig"
    assert names.firewall("") == "k8s-fw-l7"
