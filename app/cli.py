"""Command-line interface: ``flask demo seed`` and friends (plans, calc, api, accruals), and ``flask tick``."""

import click
from flask.cli import AppGroup
from flask.cli import with_appcontext

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="Multiplies partners and contracts: 1 is about 350 partners and 50,000 contracts.")
@click.option("--seed", "random_seed", type=int, default=2026, show_default=True, help="Random seed.")
def seed(scale: float, random_seed: int) -> None:
    """Build a realistic demo network with contracts, billing lines and one user per role."""
    from app.demo.seed import seed_demo

    summary = seed_demo(scale=scale, random_seed=random_seed, echo=click.echo)
    click.echo(summary)


@demo_cli.command("logins")
def logins() -> None:
    """Print the demo logins (username, roles, partner) with the demo password."""
    from sqlalchemy import select

    from app.demo.users import PASSWORD
    from app.demo.users import USERNAMES
    from app.extensions import db
    from app.models import User

    users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(USERNAMES)))}
    click.echo(f"Demo logins (password for all: {PASSWORD})")
    for username in USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        roles = ", ".join(sorted(role.value for role in user.roles))
        partner = f" — {user.partner.name} ({user.partner.code})" if user.partner else ""
        click.echo(f"  {username:<14} {roles}{partner}")
    click.echo("Open the address the server prints below and sign in.")


plans_cli = AppGroup("plans", help="Commission plans as YAML documents.")
calc_cli = AppGroup("calc", help="Calculation runs.")


def _month(value: str):
    from calc.inputs import period_from_text

    try:
        return period_from_text(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a period like 2026-03") from exc


@plans_cli.command("validate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def plans_validate(path: str) -> None:
    """Check a YAML plan document; print the first problem with its path."""
    from app.services import plans
    from calc.plan import PlanError

    try:
        document = plans.parse_yaml(open(path, encoding="utf-8").read())
    except PlanError as exc:
        raise click.ClickException(f"{path}: {exc}") from exc
    click.echo(f"{path}: {document.plan_id} v{document.version} is valid ({len(document.components)} components)")


@plans_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--publish", is_flag=True, help="Publish the version so runs use it.")
def plans_import(path: str, publish: bool) -> None:
    """Store a YAML plan document as a plan version (the same document twice changes nothing)."""
    from app.extensions import db
    from app.services import plans
    from calc.plan import PlanError

    try:
        version, changed = plans.import_yaml(db.session, None, open(path, encoding="utf-8").read(), publish)
        db.session.commit()
    except PlanError as exc:
        db.session.rollback()
        raise click.ClickException(f"{path}: {exc}") from exc
    state = "stored" if changed else "unchanged"
    click.echo(f"{version.plan.code} v{version.version} {state} ({version.status.value})")


@plans_cli.command("export")
@click.argument("code")
@click.option("--version", type=int, default=None, help="Version number (default: the latest).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="File to write (default: stdout).")
def plans_export(code: str, version: int | None, output: str | None) -> None:
    """Print or write a plan version as YAML."""
    from app.extensions import db
    from app.services import plans
    from calc.plan import PlanError

    try:
        text = plans.export_yaml(db.session, code, version)
    except PlanError as exc:
        raise click.ClickException(str(exc)) from exc
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)


@calc_cli.command("run")
@click.option("--period", "period", required=True, help="The month to calculate, e.g. 2026-03.")
def calc_run(period: str) -> None:
    """Calculate a period in one transaction, printing progress."""
    from app.extensions import db
    from app.services.calculation import runner

    month = _month(period)
    try:
        outcome = runner.run_period(db.session, None, month, progress=lambda p, m: click.echo(f"[{p:3d}%] {m}"))
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        runner.record_failure(db.session, None, month, exc)
        db.session.commit()
        raise click.ClickException(f"calculation of {period} failed: {exc}") from exc
    what = "unchanged, run stands" if outcome.reused else f"run {outcome.run_id} (version {outcome.version})"
    click.echo(f"{period}: {what}: {outcome.transactions} transactions, {outcome.line_count} lines, "
               f"total {outcome.total} EUR, {outcome.deltas} delta lines")


api_cli = AppGroup("api", help="The REST API.")


@api_cli.command("purge-idempotency-keys")
def purge_idempotency_keys() -> None:
    """Delete the idempotency keys older than IDEMPOTENCY_KEY_HOURS; print how many."""
    from app.extensions import db
    from app.services import idempotency

    deleted = idempotency.purge(db.session)
    db.session.commit()
    click.echo(f"{deleted} expired idempotency keys deleted")


accruals_cli = AppGroup("accruals", help="Accrued commissions (maturato) kept in real time.")


@accruals_cli.command("open-month")
@click.option("--period", "period", default=None, help="The month to open, e.g. 2026-12 (default: the current one).")
def accruals_open_month(period: str | None) -> None:
    """Open a month for accruals with a full rebuild, once (run it in the tick: a new month opens on its first day)."""
    from app.extensions import db
    from app.services import accrual
    from app.services.accrual.updates import current_month

    month = _month(period) if period else current_month()
    opened = accrual.open_month(db.session, month)
    db.session.commit()
    click.echo(f"{month:%Y-%m}: " + ("opened for accruals" if opened else "already open, or approved: nothing to do"))


@accruals_cli.command("rebuild")
@click.option("--period", "period", required=True, help="The month to recompute from scratch, e.g. 2026-11.")
def accruals_rebuild(period: str) -> None:
    """Recompute a month's accruals from scratch, as a calculation run would (it opens the month if needed)."""
    from app.extensions import db
    from app.services import accrual

    try:
        lines = accrual.rebuild(db.session, _month(period))
    except accrual.AccrualError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{period}: {lines} accrual lines")


@click.command("tick")
@with_appcontext
@click.pass_context
def tick(ctx: click.Context) -> None:
    """Run the periodic jobs once, in one process: due workflow timers, the Salesforce sync when due, the purge of
    expired idempotency keys, the opening of a new month for accruals (run it from cron or a timer, e.g. every
    30 seconds to a minute). One job's failure is reported and the others still run."""
    from app.extensions import db
    from app.salesforce.cli import sync as salesforce_sync
    from workflows.cli import tick as workflow_timers

    jobs = ((workflow_timers, {"limit": 200}), (salesforce_sync, {"if_due": True}), (purge_idempotency_keys, {}),
            (accruals_open_month, {"period": None}))
    for command, arguments in jobs:
        try:
            ctx.invoke(command, **arguments)
        except Exception as exc:  # noqa: BLE001 - the next job must still run
            db.session.rollback()
            click.echo(f"{command.name} failed: {exc}", err=True)
