"""kubectl's JSONPath template layer over jsonpath-ng."""

from __future__ import annotations

import pytest

from kubectl_fed.render.jsonpath import Template, TemplateError, find, go_value

DOC = {
    "kind": "FederatedList",
    "items": [
        {"cluster": "a", "object": {"metadata": {"name": "x", "labels": {"k.io/n": "v"}}}},
        {"cluster": "b", "object": {"metadata": {"name": "y\x1b[1m"}, "spec": {"on": True}}},
    ],
}


@pytest.mark.parametrize(
    ("template", "text"),
    [
        ("{.items[*].cluster}", "a b"),
        (
            '{range .items[*]}{.cluster}{"\\t"}{.object.metadata.name}{"\\n"}{end}',
            "a\tx\nb\ty\\x1b[1m\n",
        ),
        ("{range .items}{$.kind}:{@.cluster} {end}", "FederatedList:a FederatedList:b "),
        ('{.items[?(@.cluster=="b")].object.spec}', '{"on":true}'),
        ("{.items[1].object.spec.on}|{.missing}|", "true||"),
        ("{.items[0].object.metadata.labels.k\\.io/n}", "v"),
        ('name: {"}"}', "name: }"),
    ],
)
def test_templates_print_as_kubectl(template: str, text: str) -> None:
    assert Template(template).render(DOC) == text


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("{.items[0", "unclosed action"),
        ("{end}", "not in range, nothing to end"),
        ("{range .items}", "unclosed range"),
        ('{"\\q"}', "invalid quoted string"),
    ],
)
def test_bad_templates_are_refused(template: str, reason: str) -> None:
    with pytest.raises(TemplateError, match=f"error parsing jsonpath .*, {reason}"):
        Template(template)


def test_relaxed_paths_and_go_values() -> None:
    obj = DOC["items"][0]["object"]  # type: ignore[index]
    assert find("metadata.name", obj) == find("{.metadata.name}", obj) == ["x"]
    assert find(".nothing", obj) == []
    assert go_value({"b": [1, True], "a": None}) == "map[a:<nil> b:[1 true]]"
