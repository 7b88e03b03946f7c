"""`scale` and `rebalance` (ReplicaSets, Deployments): re-plan the split from what members hold."""
