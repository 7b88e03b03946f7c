"""Completion of `kubectl fed …` words from the command tree, kubeconfig and membership file.

No cluster is involved here: object names against a sandbox are in
tests/e2e/test_completion_objects.py, what a fresh interpreter imports in
tests/integration/test_lazy_imports.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from kubectl_fed.completion import engine, main
from kubectl_fed.completion.engine import complete
from kubectl_fed.completion.sources import Sources
from kubectl_fed.core.completion import Completions, Directive
from tests.support.kinds import spellings

EKS_CONTEXT = "arn:aws:eks:us-east-1:123456789012:cluster/prod"
CONTEXTS = ["us-central1", "europe-west1", EKS_CONTEXT, "staging"]


def write_kubeconfig(path: Path, contexts: list[str]) -> None:
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
        "users": [{"name": "u", "user": {"token": "not-a-real-token"}}],
        "contexts": [{"name": name, "context": {"cluster": "c", "user": "u"}} for name in contexts],
        "current-context": contexts[0],
    }
    path.write_text(yaml.safe_dump(document))


@pytest.fixture
def sources(tmp_path: Path) -> Sources:
    kubeconfig = tmp_path / "config"
    write_kubeconfig(kubeconfig, CONTEXTS)
    membership = tmp_path / "kubectl-fed.yaml"
    membership.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kubectl-fed/v1",
                "kind": "FederationConfig",
                "current": "prod",
                "federations": {
                    "prod": {"members": ["us-central1", "europe-west1"]},
                    "lab": {"members": ["staging"]},
                },
            },
            sort_keys=False,
        )
    )
    environ = {"KUBECONFIG": str(kubeconfig), "KUBECTL_FED_CONFIG": str(membership)}
    return Sources(environ)


def values(completions: Completions) -> list[str]:
    return [c.value for c in completions.candidates]


def test_subcommands_with_their_one_line_help(sources: Sources) -> None:
    completions = complete([""], sources)
    names = values(completions)
    assert {"join", "unjoin", "clusters", "create", "get", "delete", "completion"} <= set(names)
    assert completions.directive is Directive.NO_FILE_COMP
    lines = completions.lines()
    assert "get\tShow federated objects as every member cluster has them." in lines
    assert values(complete(["cl"], sources)) == ["clusters"]


def test_unknown_subcommand_offers_nothing(sources: Sources) -> None:
    assert complete(["frobnicate", ""], sources).lines() == [":4"]


def test_flags_of_a_subcommand(sources: Sources) -> None:
    completions = complete(["get", "--o"], sources)
    assert completions.lines() == ["--output\tOutput format.", ":4"]
    assert {"-n", "--namespace", "-A", "--kubeconfig", "--clusters", "-l"} <= set(
        values(complete(["get", "ingress", "-"], sources))
    )


def test_root_flags(sources: Sources) -> None:
    assert values(complete(["--"], sources)) == ["--version", "--help"]


def test_output_values_after_a_space_or_an_equals_sign(sources: Sources) -> None:
    assert values(complete(["get", "ing", "-o", ""], sources)) == [
        "table",
        "wide",
        "json",
        "yaml",
        "name",
        "jsonpath=",
        "jsonpath-file=",
        "custom-columns=",
        "custom-columns-file=",
    ]
    assert values(complete(["get", "ing", "--output=y"], sources)) == ["yaml"]
    assert values(complete(["create", "-o", ""], sources)) == [
        "table",
        "name",
        "json",
        "yaml",
        "jsonpath=",
        "jsonpath-file=",
    ]
    assert values(complete(["delete", "-o", ""], sources)) == ["table", "name"]


def test_kinds_and_comma_lists_of_kinds(sources: Sources) -> None:
    assert values(complete(["get", "in"], sources)) == spellings("ingress")
    assert values(complete(["get", "-n", "prod", "s"], sources)) == spellings("service", "secret")
    assert values(complete(["get", "ing,r"], sources)) == [
        f"ing,{word}" for word in spellings("replicaset")
    ]
    assert values(complete(["delete", "r"], sources)) == spellings("replicaset")


def test_describe_takes_one_kind_and_scale_only_split_kinds(sources: Sources) -> None:
    assert values(complete(["describe", "in"], sources)) == spellings("ingress")
    assert values(complete(["describe", "ing,s"], sources)) == []
    assert values(complete(["scale", ""], sources)) == spellings("replicaset", "deployment")
    assert values(complete(["scale", "--replicas", "3", "r"], sources)) == spellings("replicaset")


def test_join_offers_contexts_not_yet_members(sources: Sources) -> None:
    assert values(complete(["join", ""], sources)) == [EKS_CONTEXT, "staging"]
    assert values(complete(["join", "staging", ""], sources)) == [EKS_CONTEXT]


def test_unjoin_offers_the_members_of_the_federation_in_use(sources: Sources) -> None:
    assert values(complete(["unjoin", ""], sources)) == ["us-central1", "europe-west1"]
    assert values(complete(["unjoin", "--federation", "lab", ""], sources)) == ["staging"]


def test_federation_names(sources: Sources) -> None:
    assert values(complete(["get", "ing", "--federation", ""], sources)) == ["prod", "lab"]
    assert values(complete(["clusters", "--federation=l"], sources)) == ["lab"]


def test_cluster_lists_complete_contexts_with_exclusions(sources: Sources) -> None:
    assert values(complete(["get", "ing", "--clusters", "us-central1,e"], sources)) == [
        "us-central1,europe-west1"
    ]
    assert values(complete(["get", "ing", "--clusters", "!s"], sources)) == ["!staging"]
    assert values(complete(["get", "ing", "--clusters", "arn:aws:eks:"], sources)) == [EKS_CONTEXT]


def test_contexts_of_an_explicit_kubeconfig(sources: Sources, tmp_path: Path) -> None:
    other = tmp_path / "other-config"
    write_kubeconfig(other, ["kind-a", "kind-b"])
    words = ["get", "ing", "--kubeconfig", str(other), "--clusters", "kind-"]
    assert values(complete(words, sources)) == ["kind-a", "kind-b"]


def test_file_arguments_leave_completion_to_the_shell(sources: Sources) -> None:
    manifests = complete(["create", "-f", ""], sources)
    assert manifests.lines() == ["yaml", "yml", "json", ":8"]
    assert complete(["get", "--kubeconfig", ""], sources).lines() == [":0"]


def test_completion_shells(sources: Sources) -> None:
    assert values(complete(["completion", ""], sources)) == ["bash", "zsh", "fish"]
    assert complete(["completion", "bash", ""], sources).lines() == [":4"]


def test_free_values_offer_nothing(sources: Sources) -> None:
    assert complete(["get", "ing", "-l", ""], sources).lines() == [":4"]
    assert complete(["get", "ing", "--request-timeout", ""], sources).lines() == [":4"]


def test_broken_files_mean_no_candidates(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.write_text("contexts: [unclosed\n")
    environ = {"KUBECONFIG": str(broken), "KUBECTL_FED_CONFIG": str(broken)}
    sources = Sources(environ)
    assert complete(["join", ""], sources).lines() == [":4"]
    assert complete(["unjoin", ""], sources).lines() == [":4"]
    assert complete(["get", "--federation", ""], sources).lines() == [":4"]


def test_object_names_without_any_reachable_member_are_none(sources: Sources) -> None:
    # The kubeconfig's only server (127.0.0.1:1) refuses connections at once.
    assert complete(["get", "ingress", ""], sources).lines() == [":4"]


def test_the_executable_prints_candidates_then_the_directive(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["kubectl_complete-fed", "completion", "z"])
    main()
    captured = capsys.readouterr()
    assert captured.out == "zsh\n:4\n"
    assert captured.err == ""


def test_a_failure_is_the_error_directive_without_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(words: list[str], sources: Sources) -> Completions:
        raise RuntimeError("a subcommand module that cannot be imported")

    monkeypatch.delenv("KUBECTL_FED_DEBUG", raising=False)
    monkeypatch.setattr(engine, "complete", broken)
    monkeypatch.setattr(sys, "argv", ["kubectl_complete-fed", "get", ""])
    main()
    captured = capsys.readouterr()
    assert captured.out == ":1\n"
    assert captured.err == ""
