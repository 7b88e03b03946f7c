"""Federation v1's replica split: the planner, the preferences annotation, each member's share,
and the scale and rebalance moves.
"""
