"""The flags create and apply add for the federation semantics (node ports, GLBC, ingress)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from kubectl_fed.core.ingress.nodeports import DEFAULT_NODE_PORT_RANGE, PortRange
from kubectl_fed.options import DURATION

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_WAIT_TIMEOUT = 300.0
_NAMES = ("node_port_range", "force", "wait_timeout", "no_wait")


@dataclass(frozen=True)
class FederationFlags:
    port_range: PortRange = DEFAULT_NODE_PORT_RANGE
    force: bool = False
    wait: bool = True
    wait_timeout: float = DEFAULT_WAIT_TIMEOUT


def _port_range(ctx: click.Context, param: click.Parameter, value: str) -> PortRange:
    return PortRange.parse(value)


def federation_flags(func: F) -> F:
    """Add the flags; the command receives them as one `federation_flags` argument."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _NAMES}
        flags = FederationFlags(
            values["node_port_range"],
            values["force"],
            not values["no_wait"],
            values["wait_timeout"],
        )
        return func(*args, federation_flags=flags, **kwargs)

    options = [
        click.option(
            "--node-port-range",
            default=str(DEFAULT_NODE_PORT_RANGE),
            metavar="LOW-HIGH",
            callback=_port_range,
            show_default=True,
            help="Where Service node ports are picked (free in every member).",
        ),
        click.option(
            "--force",
            is_flag=True,
            help="Change a member's GLBC UID even though ingresses not managed by "
            "kubectl-fed use it (their load balancers are recreated).",
        ),
        click.option(
            "--wait-timeout",
            type=DURATION,
            default=DEFAULT_WAIT_TIMEOUT,
            metavar="DURATION",
            help="How long to wait for the first member's ingress address (default 5m).",
        ),
        click.option(
            "--no-wait",
            is_flag=True,
            help="Create ingresses in every member at once, without waiting for the first "
            "member's address: unless a static-ip name is given, each member's load "
            "balancer then reserves its own IP, so the members do not share one address.",
        ),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]
