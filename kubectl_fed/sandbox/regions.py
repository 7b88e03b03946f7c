"""Names of simulated clusters: Google Cloud regions first, generated names after them."""

from __future__ import annotations

REGIONS = (
    "us-central1",
    "europe-west1",
    "asia-east1",
    "us-east1",
    "us-west1",
    "europe-north1",
    "asia-northeast1",
    "us-east4",
    "us-west2",
    "europe-west2",
    "europe-west3",
    "asia-southeast1",
    "australia-southeast1",
    "southamerica-east1",
    "northamerica-northeast1",
    "asia-south1",
    "europe-west4",
    "me-west1",
)


def cluster_names(count: int) -> list[str]:
    """`count` distinct names: the regions in order, then `sandbox-019`, `sandbox-020`, ..."""
    if count < 0:
        raise ValueError("the number of clusters cannot be negative")
    names = list(REGIONS[:count])
    names += [f"sandbox-{index:03d}" for index in range(len(names) + 1, count + 1)]
    return names
