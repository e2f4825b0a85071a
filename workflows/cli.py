"""``flask workflows ...``: fire due timers, run the job worker, show process versions."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db

workflows_cli = AppGroup("workflows", help="Process engine: timers, background jobs, definitions.")


@workflows_cli.command("tick")
@click.option("--limit", default=200, show_default=True, help="Most instances to fire in one tick.")
def tick(limit: int) -> None:
    """Fire the timers that are due (run it from cron, e.g. every minute)."""
    from workflows import timers

    fired = timers.fire_due(db.session, limit=limit)
    click.echo(f"fired timers of {len(fired)} instance(s)" + (f": {', '.join(map(str, fired))}" if fired else ""))


@workflows_cli.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at the same time.")
@click.option("--once", is_flag=True, help="Run the queued jobs, then exit.")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between looks at the job table.")
def worker_command(threads: int, once: bool, poll: float) -> None:
    """Run background service tasks from the job table (the embedded alternative to Celery)."""
    from workflows import worker

    if once:
        done = worker.run_pending(db.session)
        click.echo(f"ran {len(done)} job(s)")
        return
    runner = worker.Worker(current_app._get_current_object(), threads=threads, poll_seconds=poll).start()
    click.echo(f"workflow worker running with {threads} thread(s); Ctrl-C to stop")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        runner.stop()


@workflows_cli.command("definitions")
def definitions() -> None:
    """Show the current version (content hash) of each process in bpmn/."""
    from workflows import specs

    for path in sorted(specs.ROOT.joinpath("bpmn").glob("*.bpmn")):
        parsed = specs.current(path.stem)
        click.echo(f"{parsed.process_id}\t{parsed.content_hash[:12]}\t{path.name}")
