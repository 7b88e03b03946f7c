"""An in-memory Kubernetes API server: the store, its HTTPS front end and fault injection."""
