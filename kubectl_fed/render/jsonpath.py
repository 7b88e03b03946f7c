"""kubectl's JSONPath templates (`-o jsonpath=...`), evaluated with jsonpath-ng.

kubectl's template layer is text with `{...}` actions: `{.a.b}` (a JSONPath relative to the
current node; `$` is the root), `{range .items[*]}...{end}`, quoted literals such as
`{"\\n"}`, and filters such as `{.items[?(@.cluster=="us-central1")].object}`. The paths
themselves are parsed and evaluated by jsonpath-ng; this module only splits the template
and prints the values as kubectl prints them: several results of one action separated by a
space, maps and lists as compact JSON, a missing key as nothing. Strings are escaped
(kubectl_fed.core.escaping): they come from the members.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kubectl_fed.core.escaping import escaped


class TemplateError(ValueError):
    """A template kubectl would refuse; the message names the template and why."""


@dataclass(frozen=True)
class _Text:
    text: str


@dataclass(frozen=True)
class _Path:
    path: str


@dataclass
class _Range:
    path: str
    body: list[_Node] = field(default_factory=list)


_Node = _Text | _Path | _Range


class Template:
    """A parsed kubectl JSONPath template; `render(document)` gives its text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._nodes = _parse(text)

    def render(self, document: Any) -> str:
        return "".join(_render(self._nodes, document, document))


def find(path: str, node: Any, root: Any = None) -> list[Any]:
    """The values a kubectl JSONPath (`.a.b`, `{.a.b}`, `a.b`) selects; [] when missing."""
    expression = path.strip()
    if expression.startswith("{") and expression.endswith("}"):
        expression = expression[1:-1].strip()
    return _compile(_relaxed(expression), expression).find_values(node, root)


def _relaxed(expression: str) -> str:
    """kubectl's relaxed form for columns and --sort-by: `metadata.name` is `.metadata.name`."""
    if expression[:1] not in ("", ".", "$", "@", "["):
        return "." + expression
    return expression


def text_value(value: Any) -> str:
    """One result as kubectl's JSONPath printer prints it."""
    if isinstance(value, dict | list):
        return escaped(_compact_json(value))
    return _scalar(value)


def go_value(value: Any) -> str:
    """One result as kubectl's custom-columns print it (Go's `%v`)."""
    if isinstance(value, dict):
        pairs = " ".join(f"{escaped(str(key))}:{go_value(value[key])}" for key in sorted(value))
        return f"map[{pairs}]"
    if isinstance(value, list):
        return "[" + " ".join(go_value(item) for item in value) + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return escaped(str(value))


def _compact_json(value: Any) -> str:
    """As Go's json.Marshal: no spaces, keys sorted, <, > and & escaped."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# -- evaluating -----------------------------------------------------------------------


def _render(nodes: Sequence[_Node], current: Any, root: Any) -> list[str]:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.text)
        elif isinstance(node, _Path):
            values = _compile(node.path, node.path).find_values(current, root)
            out.append(" ".join(text_value(value) for value in values))
        else:
            values = _compile(node.path, node.path).find_values(current, root)
            if len(values) == 1 and isinstance(values[0], list):
                values = values[0]  # `{range .items}` walks the list itself
            for value in values:
                out.extend(_render(node.body, value, root))
    return out


class _Compiled:
    def __init__(self, path: str) -> None:
        self.from_root = path.startswith("$")
        body = path[1:] if path[:1] in ("$", "@") else path
        self.whole = body.strip() in ("", ".")
        self.expression: Any = None
        if not self.whole:
            from jsonpath_ng.ext.parser import parse  # only templates need the parser

            self.expression = parse("$" + _escaped_dots(body if body[:1] in ".[" else "." + body))

    def find_values(self, current: Any, root: Any) -> list[Any]:
        node = root if self.from_root and root is not None else current
        if self.whole:
            return [node]
        return [match.value for match in self.expression.find(node)]


_CACHE: dict[str, _Compiled] = {}


def _compile(path: str, shown: str) -> _Compiled:
    compiled = _CACHE.get(path)
    if compiled is None:
        try:
            compiled = _Compiled(path)
        except Exception as err:  # jsonpath-ng raises several kinds of error
            raise TemplateError(f"error parsing jsonpath {shown}, {_reason(err)}") from None
        _CACHE[path] = compiled
    return compiled


def _reason(err: Exception) -> str:
    return " ".join(str(err).split()) or type(err).__name__


_ESCAPED_SEGMENT = re.compile(r"\.((?:[^.\[\]\\]|\\.)*\\\.(?:[^.\[\]\\]|\\.)*)")


def _escaped_dots(path: str) -> str:
    """kubectl's `.labels.app\\.kubernetes\\.io/name` as a quoted name jsonpath-ng reads."""
    return _ESCAPED_SEGMENT.sub(lambda m: "." + json.dumps(m.group(1).replace("\\.", ".")), path)


# -- parsing ----------------------------------------------------------------------------


def _parse(text: str) -> list[_Node]:
    root: list[_Node] = []
    stack: list[_Range] = []
    position = 0
    while position < len(text):
        start = text.find("{", position)
        if start < 0:
            _body(root, stack).append(_Text(text[position:]))
            break
        if start > position:
            _body(root, stack).append(_Text(text[position:start]))
        end = _action_end(text, start)
        action = text[start + 1 : end].strip()
        position = end + 1
        if action == "end":
            if not stack:
                raise TemplateError(f"error parsing jsonpath {text}, not in range, nothing to end")
            stack.pop()
        elif action.startswith("range ") or action == "range":
            node = _Range(action[len("range") :].strip())
            _compile(node.path, text)
            _body(root, stack).append(node)
            stack.append(node)
        elif action[:1] == '"':
            _body(root, stack).append(_Text(_literal(action, text)))
        else:
            _compile(action, text)
            _body(root, stack).append(_Path(action))
    if stack:
        raise TemplateError(f"error parsing jsonpath {text}, unclosed range")
    return root


def _body(root: list[_Node], stack: list[_Range]) -> list[_Node]:
    return stack[-1].body if stack else root


def _action_end(text: str, start: int) -> int:
    """Where the action opened at `start` closes (a `}` inside quotes does not)."""
    quote = ""
    index = start + 1
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in ('"', "'"):
            quote = char
        elif char == "}":
            return index
        index += 1
    raise TemplateError(f"error parsing jsonpath {text}, unclosed action")


def _literal(action: str, template: str) -> str:
    """`"\\n"` (a quoted string, Go's escapes) as the text it stands for."""
    try:
        value = json.loads(action, strict=False)
    except ValueError:
        value = None
    if not isinstance(value, str):
        raise TemplateError(f"error parsing jsonpath {template}, invalid quoted string {action}")
    return value
