"""An emulated GCE Compute project holding the sandbox clusters' L7 load balancers."""

from kubectl_fed.sandbox.gce.model import (
    AddressInUseError,
    Backend,
    Instance,
    LoadBalancerSpec,
    LoadBalancerStatus,
    Route,
)
from kubectl_fed.sandbox.gce.server import GceServer
from kubectl_fed.sandbox.gce.state import DEFAULT_PROJECT, GceState

__all__ = [
    "DEFAULT_PROJECT",
    "AddressInUseError",
    "Backend",
    "GceServer",
    "GceState",
    "Instance",
    "LoadBalancerSpec",
    "LoadBalancerStatus",
    "Route",
]
