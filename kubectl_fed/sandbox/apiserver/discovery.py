"""Discovery documents of the emulated API server, as kube-apiserver v1.32 serves them.

Covers the legacy documents (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`) and the
aggregated format (`apidiscovery.k8s.io` v2 and v2beta1) that kubectl asks for first. Verbs,
short names, categories and storage version hashes are the ones upstream lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubectl_fed.sandbox.apiserver.groups import group_version

JsonObject = dict[str, Any]

AGGREGATED_GROUP = "apidiscovery.k8s.io"
AGGREGATED_KIND = "APIGroupDiscoveryList"
AGGREGATED_VERSIONS = ("v2", "v2beta1")

_READ_WRITE = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
_NAMESPACE_VERBS = ("create", "delete", "get", "list", "patch", "update", "watch")
_SUBRESOURCE_VERBS = ("get", "patch", "update")


@dataclass(frozen=True)
class ResourceInfo:
    """One served resource: what discovery says about it and what the server must honour."""

    group: str
    version: str
    plural: str
    singular: str
    kind: str
    namespaced: bool
    short_names: tuple[str, ...]
    verbs: tuple[str, ...]
    subresources: tuple[str, ...]
    categories: tuple[str, ...] = ()
    storage_version_hash: str = ""

    @property
    def group_version(self) -> str:
        """`v1` for the core group, `<group>/<version>` otherwise (an object's apiVersion)."""
        return group_version(self.group, self.version)

    def allows(self, verb: str) -> bool:
        return verb in self.verbs


RESOURCES: tuple[ResourceInfo, ...] = (
    ResourceInfo(
        "", "v1", "configmaps", "configmap", "ConfigMap", True, ("cm",), _READ_WRITE, (),
        storage_version_hash="qFsyl6wFWjQ=",
    ),
    ResourceInfo(
        "", "v1", "endpoints", "endpoints", "Endpoints", True, ("ep",), _READ_WRITE, (),
        storage_version_hash="fWeeMqaN/OA=",
    ),
    ResourceInfo(
        "", "v1", "events", "event", "Event", True, ("ev",), _READ_WRITE, (),
        storage_version_hash="r2yiGXH7wu8=",
    ),
    ResourceInfo(
        "", "v1", "namespaces", "namespace", "Namespace", False, ("ns",), _NAMESPACE_VERBS,
        ("status",), storage_version_hash="Q3oi5N2YM8M=",
    ),
    ResourceInfo(
        "", "v1", "nodes", "node", "Node", False, ("no",), _READ_WRITE, ("status",),
        storage_version_hash="XwShjMxG9Fs=",
    ),
    ResourceInfo(
        "", "v1", "pods", "pod", "Pod", True, ("po",), _READ_WRITE, ("status",),
        categories=("all",), storage_version_hash="xPOwRZ+Yhw8=",
    ),
    ResourceInfo(
        "", "v1", "resourcequotas", "resourcequota", "ResourceQuota", True, ("quota",),
        _READ_WRITE, ("status",), storage_version_hash="8uhSgffRX6w=",
    ),
    ResourceInfo(
        "", "v1", "secrets", "secret", "Secret", True, (), _READ_WRITE, (),
        storage_version_hash="S6u1pOWzb84=",
    ),
    ResourceInfo(
        "", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", True, ("sa",),
        _READ_WRITE, (), storage_version_hash="pbx9ZvyFpBE=",
    ),
    ResourceInfo(
        "", "v1", "services", "service", "Service", True, ("svc",), _READ_WRITE, ("status",),
        categories=("all",), storage_version_hash="0/CO1lhkEBI=",
    ),
    ResourceInfo(
        "apps", "v1", "deployments", "deployment", "Deployment", True, ("deploy",),
        _READ_WRITE, ("scale", "status"), categories=("all",),
        storage_version_hash="8aSe+NMegvE=",
    ),
    ResourceInfo(
        "apps", "v1", "replicasets", "replicaset", "ReplicaSet", True, ("rs",), _READ_WRITE,
        ("scale", "status"), categories=("all",), storage_version_hash="P1RzHs8/mWQ=",
    ),
    ResourceInfo(
        "authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview",
        "SelfSubjectAccessReview", False, (), ("create",), (),
    ),
    ResourceInfo(
        "networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", False, (),
        _READ_WRITE, (), storage_version_hash="l/iqIbDgFyQ=",
    ),
    ResourceInfo(
        "networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", True, ("ing",),
        _READ_WRITE, ("status",), storage_version_hash="39NQlfNR+bo=",
    ),
    ResourceInfo(
        "rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", True,
        (), _READ_WRITE, (), storage_version_hash="eGsCzGH6b1g=",
    ),
    ResourceInfo(
        "rbac.authorization.k8s.io", "v1", "roles", "role", "Role", True, (), _READ_WRITE, (),
        storage_version_hash="7FuwZcIIItM=",
    ),
    ResourceInfo(
        "coordination.k8s.io", "v1", "leases", "lease", "Lease", True, (), _READ_WRITE, (),
        storage_version_hash="gqkMMb/YqFM=",
    ),
)  # fmt: skip

# Named groups in the order kube-apiserver lists them (its group priority order).
GROUPS: tuple[str, ...] = (
    "apps",
    "authorization.k8s.io",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "coordination.k8s.io",
)


def resource_info(group: str, version: str, plural: str) -> ResourceInfo | None:
    """The served resource at /api(s)/<group>/<version>/.../<plural>, if there is one."""
    for info in RESOURCES:
        if (info.group, info.version, info.plural) == (group, version, plural):
            return info
    return None


def find_by_plural(plural: str) -> ResourceInfo | None:
    """The served resource with this plural name (plurals are unique among what we serve)."""
    return next((info for info in RESOURCES if info.plural == plural), None)


def find_by_kind(group: str, kind: str) -> ResourceInfo | None:
    """The served resource for an object's group and kind (for manifests and owner refs)."""
    return next((i for i in RESOURCES if (i.group, i.kind) == (group, kind)), None)


def _resources_of(group: str, version: str) -> list[ResourceInfo]:
    return [info for info in RESOURCES if (info.group, info.version) == (group, version)]


def _group_version_entry(group: str, version: str = "v1") -> JsonObject:
    return {"groupVersion": f"{group}/{version}", "version": version}


def core_api_versions(server_address: str = "") -> JsonObject:
    """The `/api` APIVersions document."""
    document: JsonObject = {"kind": "APIVersions", "versions": ["v1"]}
    if server_address:
        cidrs = [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]
        document["serverAddressByClientCIDRs"] = cidrs
    return document


def api_group(name: str) -> JsonObject | None:
    """The `/apis/<group>` APIGroup document, None for a group we do not serve."""
    if name not in GROUPS:
        return None
    entry = _group_version_entry(name)
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": name,
        "versions": [entry],
        "preferredVersion": entry,
    }


def api_group_list() -> JsonObject:
    """The `/apis` APIGroupList document."""
    groups = []
    for name in GROUPS:
        entry = _group_version_entry(name)
        groups.append({"name": name, "versions": [entry], "preferredVersion": entry})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def _short_names_and_categories(info: ResourceInfo) -> JsonObject:
    """`shortNames` and `categories`, each only when the kind has some (both documents)."""
    found: JsonObject = {}
    if info.short_names:
        found["shortNames"] = list(info.short_names)
    if info.categories:
        found["categories"] = list(info.categories)
    return found


def _legacy_resource(info: ResourceInfo) -> JsonObject:
    entry: JsonObject = {
        "name": info.plural,
        "singularName": info.singular,
        "namespaced": info.namespaced,
        "kind": info.kind,
        "verbs": list(info.verbs),
    }
    entry.update(_short_names_and_categories(info))
    if info.storage_version_hash:
        entry["storageVersionHash"] = info.storage_version_hash
    return entry


def _subresource_kind(info: ResourceInfo, subresource: str) -> JsonObject:
    """The group/version/kind a subresource answers with; empty group/version means 'same'."""
    if subresource == "scale":
        return {"group": "autoscaling", "version": "v1", "kind": "Scale"}
    return {"group": "", "version": "", "kind": info.kind}


def _legacy_subresource(info: ResourceInfo, subresource: str) -> JsonObject:
    entry: JsonObject = {
        "name": f"{info.plural}/{subresource}",
        "singularName": "",
        "namespaced": info.namespaced,
        "kind": info.kind,
        "verbs": list(_SUBRESOURCE_VERBS),
    }
    kind = _subresource_kind(info, subresource)
    if kind["group"]:
        entry.update(kind)
    return entry


def api_resource_list(group: str, version: str) -> JsonObject | None:
    """The `/api/v1` or `/apis/<group>/<version>` APIResourceList, None for an unknown one."""
    infos = _resources_of(group, version)
    if not infos:
        return None
    resources: list[JsonObject] = []
    for info in infos:
        resources.append(_legacy_resource(info))
        resources.extend(_legacy_subresource(info, sub) for sub in info.subresources)
    resources.sort(key=lambda entry: str(entry["name"]))
    document: JsonObject = {"kind": "APIResourceList"}
    if group:
        document["apiVersion"] = "v1"
    document["groupVersion"] = group_version(group, version)
    document["resources"] = resources
    return document


def _aggregated_resource(info: ResourceInfo) -> JsonObject:
    entry: JsonObject = {
        "resource": info.plural,
        "responseKind": {"group": "", "version": "", "kind": info.kind},
        "scope": "Namespaced" if info.namespaced else "Cluster",
        "singularResource": info.singular,
        "verbs": list(info.verbs),
    }
    entry.update(_short_names_and_categories(info))
    if info.subresources:
        entry["subresources"] = [
            {
                "subresource": sub,
                "responseKind": _subresource_kind(info, sub),
                "verbs": list(_SUBRESOURCE_VERBS),
            }
            for sub in info.subresources
        ]
    return entry


def _aggregated_group(group: str) -> JsonObject:
    resources = [_aggregated_resource(info) for info in _resources_of(group, "v1")]
    return {
        "metadata": {"name": group, "creationTimestamp": None},
        "versions": [{"version": "v1", "resources": resources, "freshness": "Current"}],
    }


def aggregated_discovery(core: bool, version: str = "v2") -> JsonObject:
    """The aggregated APIGroupDiscoveryList for `/api` (core=True) or `/apis` (core=False)."""
    if version not in AGGREGATED_VERSIONS:
        raise ValueError(f"unsupported aggregated discovery version {version!r}")
    groups = [""] if core else list(GROUPS)
    return {
        "kind": AGGREGATED_KIND,
        "apiVersion": f"{AGGREGATED_GROUP}/{version}",
        "metadata": {},
        "items": [_aggregated_group(group) for group in groups],
    }


def aggregated_content_type(version: str) -> str:
    """The Content-Type to answer an aggregated discovery request with; clients check it."""
    return f"application/json;g={AGGREGATED_GROUP};v={version};as={AGGREGATED_KIND}"


def _media_type_params(media_range: str) -> tuple[str, dict[str, str]]:
    base, *raw_params = (part.strip() for part in media_range.split(";"))
    params: dict[str, str] = {}
    for raw in raw_params:
        key, _, value = raw.partition("=")
        params[key.strip().lower()] = value.strip().strip('"')
    return base.lower(), params


def negotiate_aggregated(accept: str | None) -> str | None:
    """The aggregated discovery version (`v2`/`v2beta1`) an Accept header asks for first.

    None means the client wants the legacy documents (plain `application/json`).
    """
    for media_range in (accept or "").split(","):
        base, params = _media_type_params(media_range)
        wanted = (
            base == "application/json"
            and params.get("g") == AGGREGATED_GROUP
            and params.get("as") == AGGREGATED_KIND
        )
        if wanted and params.get("v") in AGGREGATED_VERSIONS:
            return params["v"]
    return None
