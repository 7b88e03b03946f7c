"""GCE resource names the way the GCE ingress controller (GLBC) builds them.

Every name ends in `--<uid>` (the `uid` of ConfigMap kube-system/ingress-uid), which is
what lets clusters that agree on a UID share one load balancer. Names longer than 62
characters are cut and given a trailing "0", because GCE names must end alphanumeric.
"""

from __future__ import annotations

import hashlib

PREFIX = "k8s"
DELIMITER = "--"
NAME_LIMIT = 62


def truncate(name: str) -> str:
    return f"{name[:NAME_LIMIT]}0" if len(name) > NAME_LIMIT else name


def decorate(name: str, uid: str) -> str:
    return truncate(f"{name}{DELIMITER}{uid}") if uid else name


def load_balancer(namespace: str, name: str, uid: str) -> str:
    """`<namespace>-<name>--<uid>`: the stem of an ingress's frontend resources."""
    return decorate(f"{namespace}-{name}", uid)


def forwarding_rule(lb_name: str, https: bool = False) -> str:
    return truncate(f"{PREFIX}-{'fws' if https else 'fw'}-{lb_name}")


def target_proxy(lb_name: str, https: bool = False) -> str:
    return truncate(f"{PREFIX}-{'tps' if https else 'tp'}-{lb_name}")


def url_map(lb_name: str) -> str:
    return truncate(f"{PREFIX}-um-{lb_name}")


def ssl_certificate(lb_name: str, secret: str, uid: str) -> str:
    """`k8s-ssl-<hash of the load balancer>-<hash of the secret>--<uid>`."""
    return decorate(f"{PREFIX}-ssl-{_hash16(lb_name)}-{_hash16(secret)}", uid)


def _hash16(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def backend_service(node_port: int, uid: str) -> str:
    """Also the name of the backend's health check, as GLBC names them alike."""
    return decorate(f"{PREFIX}-be-{node_port}", uid)


def instance_group(uid: str) -> str:
    return decorate(f"{PREFIX}-ig", uid)


def firewall(firewall_uid: str) -> str:
    """The one L7 firewall rule, named after `provider-uid` (or `uid` when it is unset)."""
    suffix = truncate(f"l7{DELIMITER}{firewall_uid}") if firewall_uid else "l7"
    return f"{PREFIX}-fw-{suffix}"


def named_port(node_port: int) -> str:
    return f"port{node_port}"
