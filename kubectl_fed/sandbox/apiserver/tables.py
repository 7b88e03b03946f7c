"""`as=Table` responses: the meta.k8s.io/v1 Table kube-apiserver v1.32 builds for each kind.

Columns, their order and the cell formats follow upstream's printers, so the real kubectl shows
the same columns against the sandbox as against a real cluster. Like kube-apiserver, the Table
always carries every column; kubectl hides priority-1 columns unless asked for `-o wide`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kubectl_fed.sandbox.apiserver.pod_printer import pod_cells, pod_conditions
from kubectl_fed.sandbox.apiserver.printers import (
    Cells,
    JsonObject,
    config_map_cells,
    deployment_cells,
    endpoints_cells,
    event_cells,
    ingress_cells,
    ingress_class_cells,
    lease_cells,
    namespace_cells,
    nested,
    node_cells,
    object_name,
    quota_cells,
    replica_set_cells,
    role_binding_cells,
    role_cells,
    secret_cells,
    service_account_cells,
    service_cells,
)

TABLE_API_VERSION = "meta.k8s.io/v1"
INCLUDE_OBJECT_CHOICES = ("None", "Object", "Metadata")

_NAME_DOC = (
    "Name must be unique within a namespace. Is required when creating resources, although "
    "some resources may allow a client to request the generation of an appropriate name "
    "automatically. Name is primarily intended for creation idempotence and configuration "
    "definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
_AGE_DOC = (
    "CreationTimestamp is a timestamp representing the server time when this object was "
    "created. It is not guaranteed to be set in happens-before order across separate "
    "operations. Clients may not set this value. It is represented in RFC3339 form and is in "
    "UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    type: str = "string"
    priority: int = 0
    format: str = ""

    def definition(self) -> JsonObject:
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        }


NAME = Column("Name", _NAME_DOC, format="name")
AGE = Column("Age", _AGE_DOC)


def _wide(name: str, description: str) -> Column:
    return Column(name, description, priority=1)


CellFunction = Callable[[JsonObject, datetime], Cells]


@dataclass(frozen=True)
class Printer:
    columns: tuple[Column, ...]
    cells: CellFunction
    conditions: Callable[[JsonObject], list[JsonObject]] | None = None


_CONTAINERS = _wide("Containers", "Names of each container in the template.")
_IMAGES = _wide("Images", "Images referenced by each container in the template.")

PRINTERS: dict[str, Printer] = {
    "namespaces": Printer(
        (NAME, Column("Status", "The status of the namespace"), AGE), namespace_cells
    ),
    "nodes": Printer(
        (
            NAME,
            Column("Status", "The status of the node"),
            Column("Roles", "The roles of the node"),
            AGE,
            Column("Version", "Kubelet Version reported by the node."),
            _wide("Internal-IP", "List of addresses reachable to the node."),
            _wide("External-IP", "List of addresses reachable to the node."),
            _wide("OS-Image", "OS Image reported by the node from /etc/os-release."),
            _wide("Kernel-Version", "Kernel Version reported by the node from 'uname -r'."),
            _wide("Container-Runtime", "ContainerRuntime Version reported by the node."),
        ),
        node_cells,
    ),
    "pods": Printer(
        (
            NAME,
            Column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            Column("Status", "The aggregate status of the containers in this pod."),
            Column(
                "Restarts",
                "The number of times the containers in this pod have been restarted and when "
                "the last container in this pod has restarted.",
            ),
            AGE,
            _wide("IP", "IP address allocated to the pod."),
            _wide("Node", "NodeName is a request to schedule this pod onto a specific node."),
            _wide("Nominated Node", "nominatedNodeName is set when this pod preempts others."),
            _wide("Readiness Gates", "If specified, all readiness gates will be evaluated."),
        ),
        pod_cells,
        pod_conditions,
    ),
    "services": Printer(
        (
            NAME,
            Column("Type", "type determines how the Service is exposed."),
            Column("Cluster-IP", "clusterIP is the IP address of the service."),
            Column("External-IP", "externalIPs is a list of IP addresses for this service."),
            Column("Port(s)", "The list of ports that are exposed by this service."),
            AGE,
            _wide("Selector", "Route service traffic to pods with label keys and values."),
        ),
        service_cells,
    ),
    "endpoints": Printer(
        (NAME, Column("Endpoints", "The set of all endpoints is the union of all subsets."), AGE),
        endpoints_cells,
    ),
    "configmaps": Printer(
        (NAME, Column("Data", "Data contains the configuration data."), AGE), config_map_cells
    ),
    "events": Printer(
        (
            Column("Last Seen", "The time at which the most recent occurrence was recorded."),
            Column("Type", "Type of this event (Normal, Warning)."),
            Column("Reason", "The reason for the transition into the object's current status."),
            Column("Object", "The object that this event is about."),
            _wide("Subobject", "The field of the object this event is about."),
            _wide("Source", "The component reporting this event."),
            Column("Message", "A human-readable description of the status of this operation."),
            _wide("First Seen", "The time at which the event was first recorded."),
            _wide("Count", "The number of times this event has occurred."),
            Column("Name", _NAME_DOC, priority=1, format="name"),
        ),
        event_cells,
    ),
    "resourcequotas": Printer(
        (
            NAME,
            Column(
                "Request",
                "Request represents a minimum amount of cpu/memory that a container may consume.",
            ),
            Column(
                "Limit",
                "Limits control the maximum amount of cpu/memory that a container may use "
                "independent of contention on the node.",
            ),
            AGE,
        ),
        quota_cells,
    ),
    "replicasets": Printer(
        (
            NAME,
            Column("Desired", "Replicas is the number of desired replicas.", type="integer"),
            Column("Current", "Replicas is the most recently observed number.", type="integer"),
            Column("Ready", "The number of ready replicas.", type="integer"),
            AGE,
            _CONTAINERS,
            _IMAGES,
            _wide("Selector", "Selector is a label query over pods that should match."),
        ),
        replica_set_cells,
    ),
    "deployments": Printer(
        (
            NAME,
            Column("Ready", "Number of the pod with ready state"),
            Column(
                "Up-to-date",
                "Total number of non-terminated pods targeted by this deployment that have "
                "the desired template spec.",
            ),
            Column(
                "Available",
                "Total number of available pods (ready for at least minReadySeconds) "
                "targeted by this deployment.",
            ),
            AGE,
            _CONTAINERS,
            _IMAGES,
            _wide(
                "Selector",
                "Label selector for pods. Existing ReplicaSets whose pods are selected by "
                "this will be the ones affected by this deployment.",
            ),
        ),
        deployment_cells,
    ),
    "secrets": Printer(
        (
            NAME,
            Column(
                "Type",
                "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types",
            ),
            Column("Data", "Data contains the secret data."),
            AGE,
        ),
        secret_cells,
    ),
    "serviceaccounts": Printer(
        (
            NAME,
            Column(
                "Secrets",
                "Secrets is a list of the secrets in the same namespace that pods running "
                "using this ServiceAccount are allowed to use.",
            ),
            AGE,
        ),
        service_account_cells,
    ),
    "roles": Printer((NAME, Column("Created At", _AGE_DOC, type="date")), role_cells),
    "rolebindings": Printer(
        (
            NAME,
            Column(
                "Role",
                "RoleRef can reference a Role in the current namespace or a ClusterRole in "
                "the global namespace.",
            ),
            AGE,
            _wide("Users", "Users in the roleBinding"),
            _wide("Groups", "Groups in the roleBinding"),
            _wide("ServiceAccounts", "ServiceAccounts in the roleBinding"),
        ),
        role_binding_cells,
    ),
    "leases": Printer(
        (
            NAME,
            Column(
                "Holder", "holderIdentity contains the identity of the holder of a current lease."
            ),
            AGE,
        ),
        lease_cells,
    ),
    "ingresses": Printer(
        (
            NAME,
            Column(
                "Class",
                "The name of the IngressClass resource that should be used for additional "
                "configuration",
            ),
            Column("Hosts", "Hosts that incoming requests are matched against before the rule"),
            Column("Address", "Address is a list containing ingress points for the load-balancer"),
            Column("Ports", "Ports of TLS configurations that open"),
            AGE,
        ),
        ingress_cells,
    ),
    "ingressclasses": Printer(
        (
            NAME,
            Column("Controller", "Controller that is responsible for handling this class"),
            Column("Parameters", "A reference to a resource with additional parameters"),
            AGE,
        ),
        ingress_class_cells,
    ),
}


def _default_printer() -> Printer:
    """kube-apiserver's fallback for kinds without a printer: name and creation time."""
    created = Column("Created At", _AGE_DOC, type="date")

    def cells(obj: JsonObject, now: datetime) -> Cells:
        return [object_name(obj), nested(obj, "metadata", "creationTimestamp")]

    return Printer((NAME, created), cells)


def _row_object(obj: JsonObject, include_object: str) -> JsonObject | None:
    if include_object == "None":
        return None
    if include_object == "Object":
        return obj
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": TABLE_API_VERSION,
        "metadata": obj.get("metadata") or {},
    }


def _row(printer: Printer, obj: JsonObject, now: datetime, include_object: str) -> JsonObject:
    row: JsonObject = {"cells": printer.cells(obj, now)}
    conditions = printer.conditions(obj) if printer.conditions else []
    if conditions:
        row["conditions"] = conditions
    row["object"] = _row_object(obj, include_object)
    return row


def to_table(
    plural: str,
    objects: list[JsonObject],
    *,
    wide: bool = False,
    now: datetime,
    include_object: str = "Metadata",
    no_headers: bool = False,
) -> JsonObject:
    """The Table kube-apiserver answers `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.

    Every column is present whatever `wide` says: kube-apiserver always builds the wide table
    and kubectl drops priority-1 columns itself unless run with `-o wide`, so `wide` changes
    nothing here. `include_object` is the `includeObject` query parameter (`""` means
    Metadata); `no_headers` leaves out the column definitions (TableOptions.noHeaders).
    Unknown kinds get the name/creation-time fallback table. The caller fills in
    `metadata.resourceVersion`.
    """
    del wide  # see the docstring: the table is always the wide one
    include = include_object or "Metadata"
    if include not in INCLUDE_OBJECT_CHOICES:
        raise ValueError(f"includeObject must be one of {', '.join(INCLUDE_OBJECT_CHOICES)}")
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    printer = PRINTERS.get(plural) or _default_printer()
    columns = [] if no_headers else [column.definition() for column in printer.columns]
    return {
        "kind": "Table",
        "apiVersion": TABLE_API_VERSION,
        "metadata": {},
        "columnDefinitions": columns,
        "rows": [_row(printer, obj, now, include) for obj in objects],
    }
