"""Object bodies: the typed view, the federation markers and desired-state record, the annotations
GLBC reads and writes, label selectors and the bounds on what is read.
"""
