"""Simulated cluster controllers: scheduler and kubelet, Deployments and ReplicaSets, Endpoints,
GLBC."""

from kubectl_fed.sandbox.controllers.runner import ClusterControllers, ControllerOptions
from kubectl_fed.sandbox.controllers.wiring import Simulation, SimulationOptions

__all__ = ["ClusterControllers", "ControllerOptions", "Simulation", "SimulationOptions"]
