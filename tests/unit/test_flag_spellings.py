"""kubectl's flag spellings rewritten for click, and the names suggested for typos."""

from __future__ import annotations

import click
import pytest

from kubectl_fed.core.suggest import did_you_mean, suggestions
from kubectl_fed.flag_spellings import hoist_global_flags, respell


@pytest.mark.parametrize(
    ("args", "hoisted"),
    [
        (["-n", "shop", "get", "svc"], ["get", "svc", "-n", "shop"]),
        (["--clusters=us-*", "-A", "get", "ing"], ["get", "ing", "--clusters=us-*", "-A"]),
        (
            ["-nshop", "--debug", "get", "rs", "--", "x"],
            ["get", "rs", "-nshop", "--debug", "--", "x"],
        ),
        (["get", "svc", "-n", "shop"], ["get", "svc", "-n", "shop"]),
        (["--help"], ["--help"]),
        (["-n", "shop"], ["-n", "shop"]),
    ],
)
def test_global_flags_before_the_subcommand_move_after_it(
    args: list[str], hoisted: list[str]
) -> None:
    assert hoist_global_flags(args) == hoisted


@click.command()
@click.argument("words", nargs=-1)
@click.option("-o", "--output")
@click.option("-l", "--selector")
@click.option("-A", "--all-namespaces", is_flag=True)
@click.option("--wait/--no-wait", default=True)
@click.option("--dry-run", is_flag=False, flag_value="client", default="none")
def probe(**_: object) -> None:
    """A command with each kind of option."""


@pytest.mark.parametrize(
    ("args", "respelled"),
    [
        (["-o=json", "svc"], ["-o", "json", "svc"]),
        (["-l=app=web", "-ojson"], ["-l", "app=web", "-ojson"]),
        (["--output=json"], ["--output=json"]),
        (["-l", "-o=x", "-o=name"], ["-l", "-o=x", "-o", "name"]),  # a value stays as typed
        (["--wait=false", "--wait=true"], ["--no-wait", "--wait"]),
        (["--no-wait=false", "-A=true", "--all-namespaces=false"], ["--wait", "-A"]),
        (["--dry-run=server"], ["--dry-run=server"]),
        (["--", "-o=json"], ["--", "-o=json"]),
    ],
)
def test_kubectl_spellings_become_clicks(args: list[str], respelled: list[str]) -> None:
    assert respell(probe.params, args) == respelled
    probe.make_context("probe", respell(probe.params, args))  # and click reads them


def test_a_boolean_flag_takes_only_true_or_false() -> None:
    with pytest.raises(click.UsageError, match='invalid argument "maybe" for "--wait" flag'):
        respell(probe.params, ["--wait=maybe"])


def test_close_names_as_cobra_finds_them() -> None:
    commands = ["join", "get", "delete", "describe", "scale", "reconcile"]
    assert suggestions("gte", commands) == ["get"]
    assert suggestions("des", commands) == ["get", "describe"]  # as kubectl: set, get, describe
    assert suggestions("xyzzy", commands) == []
    assert did_you_mean("scael", commands) == "Did you mean this?\n\tscale\n"
    assert did_you_mean("xyzzy", commands) == ""
