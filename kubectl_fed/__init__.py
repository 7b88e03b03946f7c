"""kubectl-fed: one federation out of ordinary Kubernetes clusters, no control plane."""

__version__ = "0.1.0"
