"""Every member's copy folded into one view: `get`'s rows and summary, `describe`'s reads and the
per-kind status folds.
"""
