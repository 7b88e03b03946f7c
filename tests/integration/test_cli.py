"""The root command: help when called alone, and one error line per usage mistake."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from kubectl_fed.cli import COMMANDS, LazyGroup, cli

pytestmark = pytest.mark.subprocess


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kubectl_fed", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_alone_it_prints_its_help_on_stdout_and_succeeds() -> None:
    result = run()
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: kubectl fed [OPTIONS] COMMAND [ARGS]...")
    assert "  doctor " in result.stdout and "  sandbox " in result.stdout
    assert result.stderr == ""


def test_a_group_alone_prints_its_help() -> None:
    result = run("sandbox")
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: kubectl fed sandbox [OPTIONS] COMMAND [ARGS]...")


def test_an_unknown_command_is_a_usage_error_on_stderr() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        'error: unknown command "frobnicate" for "kubectl fed"',
        "Run 'kubectl fed --help' for usage.",
    ]


def test_a_mistyped_command_gets_kubectls_did_you_mean() -> None:
    result = run("gte", "ingress")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        'error: unknown command "gte" for "kubectl fed"',
        "",
        "Did you mean this?",
        "\tget",
        "",
        "Run 'kubectl fed --help' for usage.",
    ]


def loaded_modules_after(*args: str) -> list[str]:
    """Run the CLI in a fresh interpreter; the modules it imported, as it printed them."""
    probe = (
        "import sys\n"
        "from kubectl_fed.cli import main\n"
        "try:\n"
        f"    main({list(args)!r})\n"
        "except SystemExit as exit_:\n"
        "    assert not exit_.code, exit_.code\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.startswith("Usage: kubectl fed")
    return done.stdout.splitlines()[-1].split()


HEAVY_PACKAGES = ("kubernetes", "urllib3", "google", "rich")
ROOT_MODULES = {
    "kubectl_fed",
    "kubectl_fed.cli",
    "kubectl_fed.core",
    "kubectl_fed.core.model",  # the package of limits, a docstring only
    "kubectl_fed.core.model.limits",  # the bounds of the global flags: plain data
    "kubectl_fed.core.settings",  # the global flags' defaults: plain data
    "kubectl_fed.errors",
    "kubectl_fed.exit_status",
    "kubectl_fed.flag_spellings",
    "kubectl_fed.kubectl_group",
    "kubectl_fed.options",
}


@pytest.mark.parametrize("args", [("--help",), ("-h",), ()])
def test_root_help_imports_no_command_module(args: tuple[str, ...]) -> None:
    modules = loaded_modules_after(*args)
    ours = {name for name in modules if name.split(".")[0] == "kubectl_fed"}
    assert ours <= ROOT_MODULES
    assert [name for name in modules if name.split(".")[0] in HEAVY_PACKAGES] == []


def test_a_commands_help_imports_that_command_and_no_other() -> None:
    modules = set(loaded_modules_after("get", "--help"))
    targets = {name: lazy.target.split(":")[0] for name, lazy in COMMANDS.items()}
    assert targets["get"] in modules
    assert {module for name, module in targets.items() if name != "get"} & modules == set()


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_listed_summary_is_the_commands_first_sentence_never_cut(name: str) -> None:
    ctx = click.Context(cli)
    assert isinstance(cli, LazyGroup)
    listed, command = cli.listed_command(ctx, name), cli.get_command(ctx, name)
    assert listed is not None and command is not None
    assert (listed.hidden, listed.deprecated) == (command.hidden, command.deprecated)
    first_sentence = COMMANDS[name].summary
    assert " ".join((command.help or "").split()).startswith(first_sentence)
    widest = max(len(other) for other in COMMANDS)
    for width in (30, 50, 80, 120, 200):
        limit = width - 6 - widest  # as click computes it for the root help
        listed_help = listed.get_short_help_str(limit)
        assert listed_help == command.get_short_help_str(limit) == first_sentence
        assert not listed_help.endswith("...")


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_the_root_listing_is_what_click_renders_from_the_real_commands(width: int) -> None:
    ctx = click.Context(cli)
    ours, clicks = click.HelpFormatter(width=width), click.HelpFormatter(width=width)
    cli.format_commands(ctx, ours)
    click.Group.format_commands(cli, ctx, clicks)  # imports every command to read its help
    assert ours.getvalue() == clicks.getvalue()
    assert ours.getvalue().startswith("Commands:\n  join ")
