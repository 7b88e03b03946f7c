"""Federation v1's replica split: the planner, the preferences annotation, each member's share,
scale and rebalance moves, and the federated ReplicaSet/Deployment status.
"""
