"""Manifests given with `-f`: parsed, Lists expanded, validated and namespaced; a FederatedList
from `get -o yaml` read back as one object per federated object.
"""
