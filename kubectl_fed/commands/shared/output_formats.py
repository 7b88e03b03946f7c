"""The FederatedList on stdout, as `-o json|yaml` or a template: `-o jsonpath=|jsonpath-file=`
(get, create, apply) and `-o custom-columns=|custom-columns-file=` (get), kubectl's template
formats, read and checked before any request (a bad template is exit 2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import click

from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.status.listing import Entry
from kubectl_fed.errors import UsageError
from kubectl_fed.render.custom_columns import Column, parse_file, parse_spec, render_columns
from kubectl_fed.render.jsonpath import Template, TemplateError

MAX_TEMPLATE_FILE_BYTES = 1 << 20


@dataclass(frozen=True)
class TemplateOutput:
    template: Template | None = None  # jsonpath: evaluated on the whole FederatedList
    columns: Sequence[Column] = ()  # custom-columns: evaluated on each member's object

    def render(self, document: dict[str, Any], entries: Sequence[Entry], headers: bool) -> str:
        if self.template is not None:
            return self.template.render(document)
        return render_columns(entries, self.columns, headers=headers)


def template_output(output: str) -> TemplateOutput | None:
    """The template `-o` names (None for the plain formats); UsageError when it is bad."""
    name, equals, argument = output.partition("=")
    if not equals:
        return None
    try:
        if name == "jsonpath":
            return TemplateOutput(template=Template(argument))
        if name == "jsonpath-file":
            return TemplateOutput(template=Template(_read(argument)))
        if name == "custom-columns":
            return TemplateOutput(columns=parse_spec(argument))
        return TemplateOutput(columns=parse_file(_read(argument)))
    except TemplateError as err:
        raise UsageError(escaped(str(err))) from None


def print_document(
    document: dict[str, Any],
    output: str,
    template: TemplateOutput | None,
    entries: Sequence[Entry] = (),
    headers: bool = True,
) -> None:
    """`document` as `-o` says: JSON, YAML, or the template (jsonpath prints only what it
    says, not even a last newline, as kubectl's)."""
    if template is not None:
        text = template.render(document, entries, headers)
        if text:
            click.echo(text, nl=template.template is None)
        return
    from kubectl_fed.render.machine import to_json, to_yaml

    click.echo(to_json(document) if output == "json" else to_yaml(document))


def _read(path: str) -> str:
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_TEMPLATE_FILE_BYTES + 1)
    except OSError as err:
        raise UsageError(f"{escaped(path)}: {err.strerror or err}") from None
    if len(data) > MAX_TEMPLATE_FILE_BYTES:
        raise UsageError(f"{escaped(path)}: larger than {MAX_TEMPLATE_FILE_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{escaped(path)}: not UTF-8 text") from None
