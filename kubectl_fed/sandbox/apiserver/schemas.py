"""The served kinds' schemas, read from the official Python client's models.

`kubernetes.client.models` is generated from upstream's OpenAPI document: each model class
names its fields' JSON keys (`attribute_map`) and types (`openapi_types`), its pydantic
field info carries each field's description and whether it is required, and the class
docstring describes the type. This module turns the models reachable from the served
kinds into `Model`s, the one source of the OpenAPI documents (`openapi`) and of
server-side field validation (`fieldvalidation`). They are built once per process.

The client's class names drop upstream's package (`V1IngressSpec` for
`io.k8s.api.networking.v1.IngressSpec`): a type is given the package of the first served
kind that reaches it, core kinds first, apimachinery's meta types their own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from kubernetes.client import models as client_models

from kubectl_fed.sandbox.apiserver.discovery import RESOURCES, ResourceInfo

META_PACKAGE = "io.k8s.apimachinery.pkg.apis.meta.v1"
_META_TYPES = frozenset(
    {
        "ObjectMeta",
        "ListMeta",
        "LabelSelector",
        "LabelSelectorRequirement",
        "ManagedFieldsEntry",
        "OwnerReference",
        "Condition",
    }
)
_CLASS_NAME = re.compile(r"^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$")
_PRIMITIVES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "datetime": "date-time",
    "date": "date",
    "bytes": "byte",
    "object": "any",
}


@dataclass(frozen=True)
class FieldType:
    """`kind` is a primitive (string, integer, number, boolean, date-time, date, byte),
    `any`, `int-or-string`, `array` or `map` (of `item`), or `model` (named `model`)."""

    kind: str
    item: FieldType | None = None
    model: str = ""


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    description: str
    required: bool


@dataclass
class Model:
    """One object type: `definition` is its OpenAPI name, `gvk` set for served kinds."""

    class_name: str
    definition: str
    description: str
    fields: dict[str, Field] = field(default_factory=dict)
    gvk: tuple[str, str, str] | None = None


def _package(group: str) -> str:
    short = group.split(".")[0] if group else "core"
    return f"io.k8s.api.{short}"


def model_class_name(info: ResourceInfo) -> str:
    """The client's class for a served kind: `V1Service`, or `CoreV1Event` where the
    client tells two groups' types apart by prefix."""
    plain = f"{info.version.capitalize()}{info.kind}"
    if hasattr(client_models, plain):
        return plain
    prefix = (info.group.split(".")[0] if info.group else "core").capitalize()
    return f"{prefix}{plain}"


def _description(cls: Any) -> str:
    doc = (cls.__doc__ or "").split("Attributes:")[0]
    return " ".join(doc.split())


def _parse_type(text: str) -> FieldType:
    text = text.strip()
    if text.startswith("List[") and text.endswith("]"):
        return FieldType("array", _parse_type(text[5:-1]))
    if text.startswith("Dict[") and text.endswith("]"):
        return FieldType("map", _parse_type(text[5:-1].split(",", 1)[1]))
    if text in _PRIMITIVES:
        return FieldType(_PRIMITIVES[text])
    return FieldType("model", model=text)


def _is_int_or_string(annotation: Any) -> bool:
    text = str(annotation)
    return "int" in text and "str" in text and "Union" in text


class _Builder:
    def __init__(self) -> None:
        self.models: dict[str, Model] = {}

    def add(self, class_name: str, package: str) -> Model:
        known = self.models.get(class_name)
        if known is not None:
            return known
        cls = getattr(client_models, class_name)
        match = _CLASS_NAME.match(class_name)
        prefix, version, name = match.groups() if match else (None, "V1", class_name)
        if name in _META_TYPES or package == META_PACKAGE:
            package, versioned = META_PACKAGE, META_PACKAGE
        else:
            if prefix:
                package = _package("" if prefix == "Core" else prefix.lower())
            versioned = f"{package}.{version.lower()}"
        model = Model(class_name, f"{versioned}.{name}", _description(cls))
        self.models[class_name] = model
        child_package = package
        pydantic_fields = getattr(cls, "model_fields", {})
        for attribute, type_text in cls.openapi_types.items():
            json_name = cls.attribute_map[attribute]
            info = pydantic_fields.get(attribute)
            annotation = info.annotation if info is not None else None
            field_type = _parse_type(type_text)
            if field_type.kind == "any" and _is_int_or_string(annotation):
                field_type = FieldType("int-or-string")
            self._reach(field_type, child_package)
            description = (info.description if info is not None else None) or ""
            if not description and field_type.kind == "model":
                description = self.models[field_type.model].description
            required = bool(info is not None and info.is_required())
            model.fields[json_name] = Field(json_name, field_type, description, required)
        return model

    def _reach(self, field_type: FieldType, package: str) -> None:
        if field_type.item is not None:
            self._reach(field_type.item, package)
        elif field_type.kind == "model":
            self.add(field_type.model, package)


@functools.cache
def models() -> dict[str, Model]:
    """Every model reachable from a served kind, by client class name (built once)."""
    builder = _Builder()
    for info in sorted(RESOURCES, key=lambda info: info.group != ""):
        model = builder.add(model_class_name(info), _package(info.group))
        model.gvk = (info.group, info.version, info.kind)
    return builder.models


def kind_model(info: ResourceInfo) -> Model:
    """The model of a served kind."""
    return models()[model_class_name(info)]
