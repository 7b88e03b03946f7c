"""The only code that talks to the outside world (Kubernetes API servers, Google Cloud)."""
