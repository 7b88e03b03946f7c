"""Manifests given with `-f`: parse, expand Lists, validate, resolve namespaces.

Everything here happens before any request, so every problem is a `UsageError`
(exit 2) naming the file and the document: `FILE: document N: ...`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kubectl_fed.core.kinds import Kind, by_api_kind, kind_named, supported_kinds_text, validation
from kubectl_fed.core.model.limits import MAX_DOCUMENT_BYTES, expansion_problem
from kubectl_fed.core.model.markers import SERVER_METADATA
from kubectl_fed.core.replicas.preferences import preferences_of
from kubectl_fed.errors import UsageError

# A kind the members serve for (apiVersion, kind), or None (backends/discovery.py).
ServedKind = Callable[[str, str], Kind | None]


@dataclass(frozen=True)
class Source:
    """One `-f` input already read: `label` is the path (or `-` for stdin)."""

    label: str
    text: str


@dataclass(frozen=True)
class Manifest:
    """One federated object to write, its namespace resolved."""

    kind: Kind
    namespace: str
    name: str
    obj: dict[str, Any]
    origin: str

    @property
    def ref(self) -> str:
        return self.kind.ref(self.name)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind.plural, self.namespace, self.name)


def load(
    sources: Sequence[Source],
    *,
    namespace_flag: str | None,
    default_namespace: str,
    verb: str,
    from_cluster: str | None = None,
    served: ServedKind | None = None,
) -> list[Manifest]:
    """All federated objects of `sources`, in input order, validated; raises UsageError.

    A FederatedList (`get -o yaml|json`) gives one object per (kind, namespace, name):
    see kubectl_fed.core.manifests.federated_list; `from_cluster` picks the copy when they differ.
    A kind that is not federated is looked up with `served` (discovery), if given."""
    manifests: list[Manifest] = []
    seen: dict[tuple[str, str, str], str] = {}
    for source in sources:
        for origin, document in _documents(source, from_cluster):
            manifest = _manifest(origin, document, namespace_flag, default_namespace, served)
            if manifest.key in seen:
                raise UsageError(
                    f"{origin}: duplicate {manifest.kind.singular} "
                    f"{manifest.namespace}/{manifest.name} (also in {seen[manifest.key]})"
                )
            seen[manifest.key] = origin
            manifests.append(manifest)
    if not manifests:
        where = f"{sources[0].label}: " if len(sources) == 1 else ""
        raise UsageError(f"{where}no objects passed to {verb}")
    return manifests


def _documents(
    source: Source, from_cluster: str | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(origin, object) for every non-empty document, Lists expanded."""
    for number, document in enumerate(_parse(source), start=1):
        if document is None:
            continue
        origin = f"{source.label}: document {number}"
        if not isinstance(document, dict):
            raise UsageError(f"{origin}: expected an object, got {type(document).__name__}")
        _check_size(origin, document)
        from kubectl_fed.core.manifests.federated_list import federated_objects, is_federated_list

        if is_federated_list(document):  # (imported here: it reads the records written)
            yield from federated_objects(origin, document, from_cluster)
        else:
            yield from _expand(origin, document)


def _check_size(origin: str, document: dict[str, Any]) -> None:
    """Refuse what no API server accepts, before expanding it: YAML alias bombs ("billion
    laughs", self-referencing anchors), deep nesting and documents beyond the request size
    limit."""
    problem = expansion_problem(document)
    if problem:
        raise UsageError(f"{origin}: {problem}")
    size = len(json.dumps(document, default=str))
    if size > MAX_DOCUMENT_BYTES:
        raise UsageError(
            f"{origin}: {size} bytes is more than an API server accepts "
            f"({MAX_DOCUMENT_BYTES} bytes)"
        )


def _parse(source: Source) -> list[Any]:
    import yaml  # only commands that read manifests need it

    try:
        if source.label.endswith(".json"):
            return [json.loads(source.text)] if source.text.strip() else []
        loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return list(yaml.load_all(source.text, Loader=loader))
    except json.JSONDecodeError as err:
        raise UsageError(f"{source.label}: invalid JSON: {err}") from None
    except RecursionError:
        raise UsageError(f"{source.label}: nested too deeply") from None
    except yaml.MarkedYAMLError as err:
        where = err.problem_mark
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        raise UsageError(f"{source.label}: invalid YAML: {err.problem}{at}") from None
    except yaml.YAMLError as err:
        raise UsageError(f"{source.label}: invalid YAML: {' '.join(str(err).split())}") from None


def _expand(origin: str, document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    kind = document.get("kind")
    if not (isinstance(kind, str) and kind.endswith("List")):
        yield origin, document
        return
    items = document.get("items")
    if not isinstance(items, list):
        raise UsageError(f"{origin}: {kind} without an items list")
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise UsageError(f"{origin}: item {index}: expected an object")
        yield from _expand(f"{origin}: item {index}", item)


def _manifest(
    origin: str,
    obj: dict[str, Any],
    namespace_flag: str | None,
    default_namespace: str,
    served: ServedKind | None = None,
) -> Manifest:
    kind = _federated_kind(origin, obj, served)
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        raise UsageError(f"{origin}: metadata is required")
    name = metadata.get("name")
    problem = validation.name_problem(name, kind.name_rule)
    if problem:
        raise UsageError(f"{origin}: {kind.singular}: {problem}")
    namespace = (
        _namespace(origin, metadata.get("namespace"), namespace_flag, default_namespace)
        if kind.namespaced
        else ""  # cluster-scoped: the API server ignores a namespace, as kubectl does
    )
    problem = validation.shape_problem(kind, obj) or validation.spec_problem(kind, obj.get("spec"))
    if problem:
        raise UsageError(f"{origin}: {kind.singular} {namespace}/{name}: {problem}")
    if kind.splits_replicas:
        try:
            preferences_of(obj)
        except UsageError as err:
            raise UsageError(f"{origin}: {err}") from None
    return Manifest(kind, namespace, str(name), _clean(obj, namespace), origin)


def _federated_kind(origin: str, obj: dict[str, Any], served: ServedKind | None) -> Kind:
    api_version, kind_field = obj.get("apiVersion"), obj.get("kind")
    if not kind_field or not api_version:
        raise UsageError(f"{origin}: apiVersion and kind are required")
    kind = by_api_kind(api_version, kind_field)
    if kind is not None:
        return kind
    if served is not None and kind_named(kind_field) is None:
        kind = served(str(api_version), str(kind_field))
        if kind is not None:
            return kind
    known = kind_named(kind_field)
    if known is not None:
        raise UsageError(
            f"{origin}: {kind_field} must have apiVersion {known.api_version}, not {api_version}"
        )
    raise UsageError(
        f"{origin}: kind {kind_field} ({api_version}) is not federated; "
        f"federated kinds are {supported_kinds_text()}"
    )


def _namespace(
    origin: str, declared: object, namespace_flag: str | None, default_namespace: str
) -> str:
    if declared is None or declared == "":
        return namespace_flag or default_namespace
    problem = validation.namespace_problem(declared)
    if problem:
        raise UsageError(f"{origin}: {problem}")
    if namespace_flag and declared != namespace_flag:
        raise UsageError(
            f'{origin}: the namespace from the provided object "{declared}" does not match '
            f"the namespace \"{namespace_flag}\". You must pass '--namespace={declared}' "
            "to perform this operation."
        )
    return str(declared)


def _clean(obj: dict[str, Any], namespace: str) -> dict[str, Any]:
    cleaned = copy.deepcopy(obj)
    cleaned.pop("status", None)
    metadata = cleaned["metadata"]
    for field in SERVER_METADATA:
        metadata.pop(field, None)
    if namespace:
        metadata["namespace"] = namespace
    else:
        metadata.pop("namespace", None)
    return cleaned
