"""``flask tick``: every periodic job once in one process, and one job's failure does not stop the others."""

from app.services import idempotency


def test_tick_runs_every_periodic_job(app):
    result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "fired timers of 0 instance(s)"
    assert lines[1] == "Salesforce sync not due."
    assert lines[2] == "0 expired idempotency keys deleted"
    assert lines[3].endswith(": opened for accruals")


def test_a_failing_job_is_reported_and_the_next_still_runs(app, monkeypatch):
    def broken(session):
        raise RuntimeError("database gone")

    monkeypatch.setattr(idempotency, "purge", broken)
    result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0
    assert result.stderr == "purge-idempotency-keys failed: database gone\n"
    assert result.stdout.splitlines()[-1].endswith(": opened for accruals")
