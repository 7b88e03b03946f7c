"""What create, apply and delete share: -f and --dry-run flags, reading -f, the outcome lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from kubectl_fed.app import App
from kubectl_fed.commands.shared.inputs import read_sources
from kubectl_fed.commands.shared.served import note_unfederated
from kubectl_fed.core.manifests.load import Manifest, load
from kubectl_fed.core.members.results import ClusterResult
from kubectl_fed.core.settings import Settings
from kubectl_fed.core.writes.member import WriteOptions, outcomes_status
from kubectl_fed.core.writes.plans import DryRun, Outcome, Verb
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.render.cluster_errors import interrupted_summary
from kubectl_fed.render.lines import outcome_lines

F = TypeVar("F", bound=Callable[..., Any])
MUTATING_OUTPUTS = ("table", "name")
# create and apply also print what they wrote, as kubectl's (no custom-columns there either)
WRITE_OUTPUTS = (*MUTATING_OUTPUTS, "json", "yaml")
WRITE_TEMPLATES = ("jsonpath", "jsonpath-file")


def filename_options(required: bool) -> Callable[[F], F]:
    """`-f FILE|DIR|-` (repeatable) and `-R` for folders inside folders."""

    def decorate(func: F) -> F:
        func = click.option(
            "-R", "--recursive", is_flag=True, help="Also read folders inside -f folders."
        )(func)
        return click.option(
            "-f",
            "--filename",
            "filenames",
            multiple=True,
            required=required,
            metavar="FILE|DIR|-",
            help="Manifest file, folder (its .yaml/.yml/.json files) or - for stdin; repeatable.",
        )(func)

    return decorate


def dry_run_option(func: F) -> F:
    option = click.option(
        "--dry-run",
        type=click.Choice([mode.value for mode in DryRun]),
        default=DryRun.NONE.value,
        is_flag=False,
        flag_value=DryRun.CLIENT.value,
        help="Print what each cluster would do; 'server' asks the API servers (dryRun=All).",
    )
    return option(func)


def load_manifests(
    app: App,
    filenames: Sequence[str],
    verb: str,
    recursive: bool = False,
    from_cluster: str | None = None,
) -> list[Manifest]:
    """Read and validate every -f input; UsageError (exit 2) before any request."""
    if app.settings.all_namespaces:
        raise UsageError(f"--all-namespaces cannot be used with {verb}")
    manifests = load(
        read_sources(filenames, recursive=recursive),
        namespace_flag=app.settings.namespace,
        default_namespace=app.namespace or "default",
        verb=verb,
        from_cluster=from_cluster,
        served=app.served_kind,
    )
    note_unfederated(m.kind for m in manifests)
    return manifests


def prints_document(settings: Settings) -> bool:
    """Whether `-o` asks for the FederatedList of what was written (json, yaml, jsonpath):
    stdout is then that document alone, and the result lines go to stderr."""
    return settings.output not in MUTATING_OUTPUTS


def report(
    results: Sequence[ClusterResult[list[Outcome]]],
    dry_run: DryRun,
    settings: Settings,
    members: Sequence[str] = (),
) -> ExitStatus:
    """The result lines (stderr too when `-o` prints the document), then the document."""
    document = prints_document(settings)
    lines = outcome_lines(results, dry_run.suffix, names_only=settings.output == "name")
    for line in lines.out:
        click.echo(line, err=document)
    for line in lines.err:
        click.echo(line, err=True)
    summary = interrupted_summary(results)
    if summary:
        click.echo(summary, err=True)
    if document:
        from kubectl_fed.commands.shared.output_formats import print_document, template_output
        from kubectl_fed.render.machine import written_document

        template = template_output(settings.output)  # checked before any request
        print_document(written_document(results, members), settings.output, template)
    return outcomes_status(results)


def write_options(verb: Verb, dry_run: str, no_adopt: bool, create_namespace: bool) -> WriteOptions:
    return WriteOptions(verb, DryRun(dry_run), not no_adopt, create_namespace)


def adoption_options(func: F) -> F:
    func = click.option(
        "--create-namespace",
        is_flag=True,
        help="Create the namespace in members that lack it (else reported for them).",
    )(func)
    return click.option(
        "--no-adopt",
        is_flag=True,
        help="Refuse same-name objects not made by kubectl-fed instead of adopting them.",
    )(func)
