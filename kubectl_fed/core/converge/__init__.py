"""The converge engine of `reconcile` and `doctor --fix`, and the Lease election that keeps one
reconciler active.
"""
