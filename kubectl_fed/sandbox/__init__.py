"""A local simulated federation: HTTPS Kubernetes API servers, controllers, a GCE emulator."""
