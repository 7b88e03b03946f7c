"""docs/verbs.md's "Every flag" section lists every flag of every command.

The click command tree is walked; each command's own flags must appear (in backticks) in a
subsection whose heading names the command, the global flags in "Global flags".
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from kubectl_fed.cli import COMMANDS, cli
from kubectl_fed.options import GLOBAL_SWITCHES, GLOBAL_VALUE_FLAGS

VERBS_MD = Path(__file__).parents[2] / "docs" / "verbs.md"
GLOBAL = GLOBAL_SWITCHES | GLOBAL_VALUE_FLAGS
ALWAYS = {"-h", "--help"}


def section() -> str:
    text = VERBS_MD.read_text()
    start = text.index("\n## Every flag\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def subsections() -> dict[str, str]:
    """Heading -> its text, for every `###` heading of the section."""
    parts = re.split(r"\n### (.+)\n", section())
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def flags_in(text: str) -> set[str]:
    """Every `-x`/`--xyz` spelled inside a code span."""
    found: set[str] = set()
    for span in re.findall(r"`([^`]+)`", text):
        found |= set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", span))
    return found


def commands() -> Iterator[tuple[str, click.Command]]:
    """(path, command) for every command, `sandbox up` included."""
    for name, lazy in COMMANDS.items():
        module, attribute = lazy.target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        yield name, command
        if isinstance(command, click.Group):
            for sub, subcommand in command.commands.items():
                yield f"{name} {sub}", subcommand


def own_flags(command: click.Command) -> set[str]:
    spellings = {
        spelling
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden
        for spelling in (*param.opts, *param.secondary_opts)
    }
    return spellings - ALWAYS


ALL = list(commands())


@pytest.mark.parametrize(("path", "command"), ALL, ids=[path for path, _ in ALL])
def test_every_flag_of_the_command_is_listed(path: str, command: click.Command) -> None:
    parts = subsections()
    words = path.split()
    headed = [
        text
        for heading, text in parts.items()
        if re.search(rf"(?<![\w-]){re.escape(words[0])}(?![\w-])", heading)
    ]
    assert headed, f"no subsection of 'Every flag' names {path}"
    flags = own_flags(command)
    global_here = flags & GLOBAL if path.split()[0] != "sandbox" else set()
    listed = set().union(*(flags_in(text) for text in headed))
    missing = sorted((flags - global_here) - listed)
    assert not missing, f"{path}: {missing} not in docs/verbs.md 'Every flag'"


def test_the_global_flags_and_the_roots_are_listed() -> None:
    parts = subsections()
    assert flags_in(parts["Global flags"]) >= GLOBAL
    roots = {s for p in cli.params if isinstance(p, click.Option) for s in p.opts} - ALWAYS
    assert roots <= flags_in(section())
