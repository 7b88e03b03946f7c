"""Object bodies and manifests: the typed view, the federation markers and desired-state record,
validation, label selectors and FederatedList input.
"""
