"""``flask salesforce sync [--if-due]``: the scheduled sync (the Makefile's tick loop calls it with ``--if-due``)."""

import click
from flask.cli import AppGroup

salesforce_cli = AppGroup("salesforce", help="The Salesforce connector.")


@salesforce_cli.command("sync")
@click.option("--if-due", is_flag=True, help="Only when the scheduled sync is on and its interval has passed.")
def sync(if_due: bool) -> None:
    """Pull what changed in Salesforce since the last sync and write it (scheduled when --if-due)."""
    from app.extensions import db
    from app.services.salesforce import sync as syncing

    if if_due and not syncing.is_due(db.session):
        click.echo("Salesforce sync not due.")
        return
    try:
        result = syncing.sync_now(db.session, None, syncing.SCHEDULED if if_due else syncing.MANUAL)
    except syncing.SyncRefused as refused:
        raise click.ClickException(f"Salesforce sync not started: {refused}") from refused
    if result.status != syncing.SUCCEEDED:
        for problem in (result.errors or [])[:20]:
            click.echo(f"  {problem['object']} {problem['record_id']} {problem['field'] or problem['mandato_field']}: "
                       f"{problem['message']} ({problem['value']})", err=True)
        raise click.ClickException(f"Salesforce sync {result.id} failed: {result.message}")
    click.echo(f"Salesforce sync {result.id}: {result.records_pulled} records ({result.records_deleted} deleted), "
               f"{result.rows_new} new, {result.rows_changed} changed, {result.rows_unchanged} unchanged, "
               f"{result.duration_ms} ms.")
