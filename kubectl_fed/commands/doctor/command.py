"""`kubectl fed doctor [INGRESS…]`: every troubleshooting check, with the fix for each."""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.app import App
from kubectl_fed.commands.doctor.reads import gather, gce_reader, load_balancer_checks
from kubectl_fed.core.doctor.checks import run_checks
from kubectl_fed.core.doctor.facts import Facts
from kubectl_fed.core.doctor.model import Check, report_status
from kubectl_fed.core.members.membership import DEFAULT_FEDERATION
from kubectl_fed.core.settings import Settings
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import global_options
from kubectl_fed.render import machine
from kubectl_fed.render.doctor import document, table


@click.command()
@click.argument("ingresses", nargs=-1, metavar="[INGRESS…]")
@click.option("--fix", is_flag=True, help="Apply the safe repairs, then check again.")
@click.option("--yes", "-y", is_flag=True, help="With --fix: do not ask before each repair.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option(
    "--gcp-project",
    default=None,
    metavar="PROJECT",
    help="Google Cloud project of the load balancers (else skipped unless found).",
)
@global_options(outputs=("table", "json"))
def doctor(
    ingresses: Sequence[str],
    fix: bool,
    yes: bool,
    strict: bool,
    gcp_project: str | None,
    settings: Settings,
) -> ExitStatus:
    """Check the federation and its ingresses; name each cause and its fix.

    Connectivity, membership, permissions and quota; federated objects present and
    conforming in every member; identical node ports; one GLBC UID; one address and
    healthy shards per ingress; replica split; the Google Cloud load balancer. Without
    INGRESS, every federated ingress (and service and replicaset) of the namespace.
    Exit 0 with no failing check (warnings too, with --strict), 1 otherwise.

    \b
    Examples:
      kubectl fed doctor
      kubectl fed doctor myingress -o json
      kubectl fed doctor --fix --yes
    """
    if yes and not fix:
        raise UsageError("--yes only goes with --fix")
    if ingresses and settings.all_namespaces:
        raise UsageError("name ingresses in one namespace: use -n NAMESPACE, not -A")
    if any(not name or "/" in name for name in ingresses):
        raise UsageError("INGRESS is an ingress name (no kind/ prefix)")
    app = App(settings)
    facts, checks = _round(app, ingresses, gcp_project)
    if fix and _repaired(app, facts, yes):
        facts, checks = _round(app, ingresses, gcp_project)
    if settings.output == "json":
        click.echo(machine.to_json(document(checks, app.federation, facts.namespace)))
    else:
        click.echo(table(checks))
    return report_status(checks, strict=strict)


def _repaired(app: App, facts: Facts, yes: bool) -> int:
    # Planning and writing repairs import much a plain check never needs: only with --fix.
    from kubectl_fed.commands.doctor.fix import apply_repairs
    from kubectl_fed.core.converge.plan import ConvergeOptions, plan_convergence

    options = ConvergeOptions(federation=app.federation or DEFAULT_FEDERATION)
    return apply_repairs(app, plan_convergence(facts, options), options, yes=yes)


def _round(app: App, ingresses: Sequence[str], project: str | None) -> tuple[Facts, list[Check]]:
    """Read everything afresh (a new GCE reader too: a fix changes what it would read)."""
    gce = gce_reader(app, project)
    facts = gather(app, ingresses, gce)
    return facts, [*run_checks(facts), *load_balancer_checks(facts, gce)]
