"""`kubectl fed reconcile`: the command, its watch loop, its Lease and its own manifests."""
