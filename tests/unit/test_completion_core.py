"""The pure side of completion: candidate filtering, comma lists, kinds, cobra's output lines."""

from __future__ import annotations

from kubectl_fed.core.completion import (
    MANIFEST_FILES,
    Candidate,
    Completions,
    Directive,
    Role,
    complete_comma_list,
    complete_values,
    kind_candidates,
    matching,
    named_kinds,
    positional_role,
    slash_names,
)
from kubectl_fed.core.kinds import INGRESS, REPLICASET, SERVICE
from tests.support.kinds import SPELLINGS, spellings


def values(completions: Completions) -> list[str]:
    return [c.value for c in completions.candidates]


def test_lines_are_candidates_with_first_help_line_then_the_directive() -> None:
    completions = Completions(
        (Candidate("get", "Show objects.\nMore text."), Candidate("plain")),
        Directive.NO_FILE_COMP | Directive.NO_SPACE,
    )
    assert completions.lines() == ["get\tShow objects.", "plain", ":6"]


def test_no_candidates_is_just_the_directive() -> None:
    assert Completions().lines() == [":4"]
    assert MANIFEST_FILES.lines() == ["yaml", "yml", "json", ":8"]


def test_matching_keeps_order_and_drops_repeats_and_non_matches() -> None:
    found = matching(["svc", "service", Candidate("svc", "again"), "ing"], "s")
    assert found == (Candidate("svc"), Candidate("service"))


def test_complete_values_filters_by_prefix() -> None:
    assert values(complete_values(["json", "yaml", "jsonpath"], "js")) == ["json", "jsonpath"]
    assert values(complete_values(["json"], "x")) == []


def test_comma_list_completes_the_last_item_and_skips_chosen_ones() -> None:
    contexts = ["us-central1", "europe-west1", "asia-east1"]
    assert values(complete_comma_list(contexts, "")) == contexts
    assert values(complete_comma_list(contexts, "us-central1,")) == [
        "us-central1,europe-west1",
        "us-central1,asia-east1",
    ]
    assert values(complete_comma_list(contexts, "us-central1,eu")) == ["us-central1,europe-west1"]


def test_comma_list_keeps_exclusion_marks_when_allowed() -> None:
    contexts = ["us-central1", "asia-east1"]
    assert values(complete_comma_list(contexts, "!a", exclusions=True)) == ["!asia-east1"]
    assert values(complete_comma_list(contexts, "!asia-east1,", exclusions=True)) == [
        "!asia-east1,us-central1"
    ]
    assert values(complete_comma_list(contexts, "!a")) == []


def test_kind_candidates_offer_singular_plural_and_short_names() -> None:
    candidates = kind_candidates()
    assert [c.value for c in candidates] == spellings(*SPELLINGS)
    assert candidates[0].help == "Ingress (networking.k8s.io/v1)"


def test_named_kinds_reads_comma_lists_and_slash_forms_and_skips_unknowns() -> None:
    assert named_kinds("ing,svc,ingress") == [INGRESS, SERVICE]
    assert named_kinds("rs/nginx") == [REPLICASET]
    assert named_kinds("pods,svc") == [SERVICE]
    assert named_kinds(None) == []


def test_positional_roles_repeat_the_last_role() -> None:
    assert positional_role("get", 0) is Role.KINDS
    assert positional_role("get", 1) is Role.OBJECT_NAMES
    assert positional_role("get", 5) is Role.OBJECT_NAMES
    assert positional_role("scale", 0) is Role.REPLICASET_KIND
    assert positional_role("unjoin", 3) is Role.MEMBERS
    assert positional_role("create", 0) is Role.NONE


def test_slash_names_prefix_the_kind_typed() -> None:
    completions = slash_names("rs", ["nginx", "web"], "rs/n")
    assert values(completions) == ["rs/nginx"]
