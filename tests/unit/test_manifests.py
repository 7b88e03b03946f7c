"""Manifest loading: formats, Lists, folders, and every bad input rejected before sending."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kubectl_fed.commands.shared.inputs import read_sources
from kubectl_fed.core.kinds import INGRESS, REPLICASET, SERVICE
from kubectl_fed.core.manifests.load import Manifest, Source, load
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus

DATA = Path(__file__).parent.parent / "data" / "manifests"

SERVICE_DOC = """apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 80}]}
"""


def load_text(
    text: str, label: str = "in.yaml", namespace: str | None = None, verb: str = "create"
) -> list[Manifest]:
    return load(
        [Source(label, text)], namespace_flag=namespace, default_namespace="default", verb=verb
    )


def load_error(text: str, label: str = "in.yaml", namespace: str | None = None) -> str:
    with pytest.raises(UsageError) as caught:
        load_text(text, label, namespace)
    assert caught.value.status is ExitStatus.USAGE
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_multi_document_yaml_in_order_with_namespaces_resolved() -> None:
    sources = read_sources([str(DATA / "all-kinds.yaml")])
    manifests = load(sources, namespace_flag=None, default_namespace="team", verb="create")
    assert [(m.kind, m.namespace, m.name) for m in manifests] == [
        (INGRESS, "team", "web"),
        (SERVICE, "shop", "web"),
        (REPLICASET, "team", "web"),
    ]
    assert manifests[0].obj["metadata"]["namespace"] == "team"
    assert manifests[2].origin.endswith("all-kinds.yaml: document 4")
    assert manifests[0].ref == "ingress.networking.k8s.io/web"


def test_json_list_is_expanded() -> None:
    manifests = load(
        read_sources([str(DATA / "list.json")]),
        namespace_flag="prod",
        default_namespace="default",
        verb="apply",
    )
    assert [(m.kind.kind, m.namespace, m.name) for m in manifests] == [
        ("Service", "prod", "api"),
        ("Ingress", "prod", "api"),
    ]


def test_folder_read_in_name_order_only_manifest_files() -> None:
    sources = read_sources([str(DATA / "folder")])
    assert [Path(source.label).name for source in sources] == ["a-service.yaml", "b-service.yml"]


def test_recursive_folders() -> None:
    sources = read_sources([str(DATA / "folder")], recursive=True)
    assert [Path(source.label).name for source in sources] == [
        "a-service.yaml",
        "b-service.yml",
        "c-service.yaml",
    ]


def test_stdin_and_repeated_files() -> None:
    sources = read_sources(["-", str(DATA / "folder" / "a-service.yaml")], io.StringIO(SERVICE_DOC))
    names = [m.name for m in load(sources, namespace_flag=None, default_namespace="d", verb="x")]
    assert names == ["web", "first"]


def test_server_fields_are_dropped() -> None:
    text = SERVICE_DOC.replace(
        "metadata: {name: web}",
        "metadata: {name: web, uid: u1, resourceVersion: '7', creationTimestamp: x}\nstatus: {}",
    )
    obj = load_text(text)[0].obj
    assert obj["metadata"] == {"name": "web", "namespace": "default"}
    assert "status" not in obj


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: c}\n",
            "in.yaml: document 1: kind Pod (v1) is not federated; federated kinds are "
            "Ingress (networking.k8s.io/v1), Service (v1), ReplicaSet (apps/v1), "
            "Deployment (apps/v1), Secret (v1), ConfigMap (v1), Namespace (v1)",
        ),
        (
            "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n",
            "in.yaml: document 1: Ingress must have apiVersion networking.k8s.io/v1, "
            "not extensions/v1beta1",
        ),
        (
            "kind: Service\nmetadata: {name: s}\n",
            "in.yaml: document 1: apiVersion and kind are required",
        ),
        ("- a\n- b\n", "in.yaml: document 1: expected an object, got list"),
        ("apiVersion: v1\nkind: Service\n", "in.yaml: document 1: metadata is required"),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {}\nspec: {ports: [{port: 80}]}\n",
            "in.yaml: document 1: service: metadata.name: Required value: name is required",
        ),
        (
            SERVICE_DOC.replace("name: web", "name: web.v2"),
            'in.yaml: document 1: service: metadata.name: Invalid value: "web.v2": a lowercase '
            "RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
            "start and end with an alphanumeric character",
        ),
        (
            SERVICE_DOC.replace("name: web}", "name: web, namespace: Bad_NS}"),
            'in.yaml: document 1: metadata.namespace: Invalid value: "Bad_NS": a lowercase RFC '
            "1123 label must consist of lower case alphanumeric characters or '-', and must "
            "start and end with an alphanumeric character",
        ),
        (
            SERVICE_DOC.replace("spec: {ports: [{port: 80}]}", "spec: {}"),
            "in.yaml: document 1: service default/web: spec.ports: Required value",
        ),
        (
            SERVICE_DOC.replace("{port: 80}", "{port: 70000}"),
            "in.yaml: document 1: service default/web: spec.ports[0].port: Invalid value: "
            "70000: must be between 1 and 65535",
        ),
        (
            SERVICE_DOC + "---\n" + SERVICE_DOC,
            "in.yaml: document 2: duplicate service default/web (also in in.yaml: document 1)",
        ),
        ("", "in.yaml: no objects passed to create"),
        ("---\n---\n", "in.yaml: no objects passed to create"),
    ],
)
def test_bad_manifests_are_usage_errors(text: str, expected: str) -> None:
    assert load_error(text) == expected


def test_ingress_needs_rules_or_default_backend() -> None:
    text = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: Web}\nspec: {}\n"
    assert "subdomain" in load_error(text)
    assert load_error(text.replace("Web", "web")) == (
        "in.yaml: document 1: ingress default/web: spec: Invalid value: either `defaultBackend` "
        "or `rules` must be specified"
    )


def test_ingress_path_needs_a_backend() -> None:
    text = (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\n"
        "spec: {rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {}}]}}]}\n"
    )
    assert load_error(text).endswith(
        "spec.rules[0].http.paths[0].backend: Invalid value: one of service or resource must "
        "be specified"
    )


def test_replicaset_selector_must_match_template_labels() -> None:
    text = (DATA / "all-kinds.yaml").read_text().split("---")[-1].replace("tier: front", "tier: x")
    assert load_error(text) == (
        "in.yaml: document 1: replicaset default/web: spec.template.metadata.labels: Invalid "
        "value: {'app': 'web', 'tier': 'x'}: `selector` does not match template `labels`"
    )


def test_replicaset_needs_selector_and_containers() -> None:
    base = (DATA / "all-kinds.yaml").read_text().split("---")[-1]
    no_selector = base.replace("  selector:", "  unused:")
    assert load_error(no_selector).endswith("spec.selector: Required value")
    no_image = base.replace("image: nginx:1.27", "imagePullPolicy: Always")
    assert load_error(no_image).endswith("spec.template.spec.containers[0].image: Required value")


def test_namespace_flag_conflicting_with_manifest() -> None:
    text = SERVICE_DOC.replace("name: web}", "name: web, namespace: prod}")
    assert load_error(text, namespace="dev") == (
        'in.yaml: document 1: the namespace from the provided object "prod" does not match the '
        "namespace \"dev\". You must pass '--namespace=prod' to perform this operation."
    )
    assert load_text(text, namespace="prod")[0].namespace == "prod"


def test_list_items_are_numbered() -> None:
    text = '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod"}]}'
    assert load_error(text, label="x.json").startswith(
        "x.json: document 1: item 1: kind Pod (v1) is not federated"
    )


def test_invalid_yaml_names_the_line() -> None:
    message = load_error("a: 1\nkey: [unclosed\n")
    assert message.startswith("in.yaml: invalid YAML: ")
    assert message.endswith("at line 3, column 1")


def test_invalid_json() -> None:
    assert load_error("{", label="x.json").startswith("x.json: invalid JSON: ")


def test_missing_path_and_no_path() -> None:
    with pytest.raises(UsageError, match=r'the path "nope\.yaml" does not exist'):
        read_sources(["nope.yaml"])
    with pytest.raises(UsageError, match="must specify -f"):
        read_sources([])
