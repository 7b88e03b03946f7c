"""Every member's copy folded into one view: `get`'s rows and summaries, `describe`'s reads, and
the status folds the kinds name (ingress, service, replicas, copies).
"""
