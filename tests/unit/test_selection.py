"""--clusters selection: names, globs, exclusions, member order, and the usage errors."""

from __future__ import annotations

import pytest

from kubectl_fed.core.members.selection import parse_cluster_list, select_clusters
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from tests.support.members import MEMBERS

CONTEXTS = ["asia-east1", "dev", "europe-west1", "us-central1", "us-east1"]


def select(spec: str | None, members: list[str] | None = MEMBERS) -> list[str]:
    return select_clusters(CONTEXTS, members, spec, federation="prod")


def usage_error(spec: str | None, members: list[str] | None = MEMBERS) -> str:
    with pytest.raises(UsageError) as caught:
        select(spec, members)
    assert caught.value.status is ExitStatus.USAGE
    return str(caught.value)


def test_without_flag_the_federation_members_in_member_order() -> None:
    assert select(None) == MEMBERS


def test_exact_names_override_membership() -> None:
    assert select("dev,us-central1") == ["us-central1", "dev"]


def test_globs_match_kubeconfig_contexts_members_first() -> None:
    assert select("us-*") == ["us-central1", "us-east1"]
    assert select("*") == [*MEMBERS, "dev", "us-east1"]


def test_exclusions_alone_narrow_the_members() -> None:
    assert select("!asia-*") == ["us-central1", "europe-west1"]
    assert select("!asia-east1, !europe-west1") == ["us-central1"]


def test_exclusions_apply_after_includes() -> None:
    assert select("*,!us-*,!dev") == ["europe-west1", "asia-east1"]


def test_duplicates_are_selected_once() -> None:
    assert select("us-central1,us-*,us-central1") == ["us-central1", "us-east1"]


def test_unknown_exact_name_is_a_usage_error() -> None:
    assert usage_error("us-central1,mars-1") == (
        "--clusters: no context 'mars-1' in kubeconfig "
        "(contexts: asia-east1, dev, europe-west1, us-central1, us-east1)"
    )


def test_an_unknown_context_lists_the_first_ten_there_are() -> None:
    contexts = [f"c{number:02}" for number in range(12)]
    with pytest.raises(UsageError) as caught:
        select_clusters(contexts, None, "mars")
    shown = ", ".join(contexts[:10])
    assert (
        str(caught.value)
        == f"--clusters: no context 'mars' in kubeconfig (contexts: {shown} and 2 more)"
    )


def test_empty_selection_is_a_usage_error() -> None:
    assert usage_error("eu-*") == "--clusters 'eu-*' selects no cluster"
    assert usage_error("*,!*") == "--clusters '*,!*' selects no cluster"


def test_empty_item_is_a_usage_error() -> None:
    assert usage_error("us-central1,,dev") == "--clusters 'us-central1,,dev': empty item"
    assert usage_error("!") == "--clusters '!': empty item"


def test_no_federation_configured() -> None:
    message = usage_error(None, members=None)
    assert message.startswith("no federation configured")
    assert usage_error("!dev", members=None).startswith("no federation configured")


def test_globs_work_without_a_federation() -> None:
    assert select("europe-*", members=None) == ["europe-west1"]


def test_federation_without_members() -> None:
    assert usage_error(None, members=[]).startswith("federation 'prod' has no members")


def test_member_missing_from_kubeconfig() -> None:
    message = usage_error(None, members=["us-central1", "gone"])
    assert message == "federation 'prod': member 'gone' is not a context in kubeconfig"


def test_parse_cluster_list() -> None:
    assert parse_cluster_list(" a , !b,c* ") == (["a", "c*"], ["b"])
