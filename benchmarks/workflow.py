"""Workflow figures: start N statement reviews, complete N human tasks, and the stored size per instance.

    .venv/bin/python benchmarks/workflow.py                       # SQLite in a temporary file
    .venv/bin/python benchmarks/workflow.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/wf_scratch

The PostgreSQL database is wiped (schema ``public`` dropped and re-created): give it a scratch database.
Each start and each completion is its own transaction, committed, as in the app. Task completions are measured
by layer, each on its own instances: ``facade`` calls ``workflows.complete_task`` directly; ``http`` posts the
partner's review form to its task page (``/inbox/tasks/<id>``) with a signed-in test client, each request in its
own app context as in production (CSRF check, login, role and partner guard, form validation, commit, 303).
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import ProcessInstance  # noqa: E402
from app.models import User  # noqa: E402
from tests.factories import build_network  # noqa: E402

PERIOD = "2026-03"
VARIABLES = {"dispute_window": "P10D", "resolution_sla": "P5D"}


def _app(url: str):
    from flask_migrate import upgrade

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    app = create_app(config | {"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    with app.app_context():
        upgrade()
    return app


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000
    return f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {ordered[-1] * 1000:.2f} ms"


def measure_starts(session, count: int, partner_id: int) -> list[int]:
    """Start ``count`` statement reviews, one transaction each; print the total and per-instance figures."""
    import workflows

    ids, samples = [], []
    began = time.perf_counter()
    for index in range(count):
        t0 = time.perf_counter()
        info = workflows.start(session, "statement_review", business_key=f"{PERIOD}/bench-{index}", period=PERIOD,
                               partner_id=partner_id, variables=VARIABLES)
        session.commit()
        samples.append(time.perf_counter() - t0)
        ids.append(info.id)
    total = time.perf_counter() - began
    print(f"  start {count} statement_review instances: {total:.2f} s total ({total / count * 1000:.2f} ms each; "
          f"{_percentiles(samples)})")
    return ids


def complete_via_facade(session, user, task_ids: list[str]) -> list[float]:
    """Complete each task through the façade, committing each; return the seconds per task."""
    import workflows

    samples = []
    for task_id in task_ids:
        t0 = time.perf_counter()
        workflows.complete_task(session, task_id, user, {"decision": "dispute", "disputed_line_ids": [1, 2]})
        session.commit()
        samples.append(time.perf_counter() - t0)
    return samples


def complete_via_http(session, user, task_ids: list[str]) -> list[float]:
    """Post each task's form to its page as the signed-in partner; return the seconds per request."""
    from flask import current_app

    from tests.conftest import AuthActions
    from tests.conftest import IsolatedClient

    app = current_app._get_current_object()
    app.test_client_class = IsolatedClient
    client = app.test_client()
    auth = AuthActions(client)
    auth.login(user.username)
    token = auth.csrf("/inbox/")
    samples = []
    for task_id in task_ids:
        t0 = time.perf_counter()
        response = client.post(f"/inbox/tasks/{task_id}", data={"csrf_token": token, "decision": "accept"})
        samples.append(time.perf_counter() - t0)
        if response.status_code != 303:
            raise RuntimeError(f"task {task_id}: HTTP {response.status_code}")
    return samples


LAYERS: dict[str, Callable] = {"facade": complete_via_facade, "http": complete_via_http}


def state_sizes(session) -> str:
    sizes = session.scalars(select(func.length(ProcessInstance.state_json))).all()
    return f"avg {statistics.mean(sizes):.0f} B, max {max(sizes)} B"


def embedded_spec_size(session, instance_id: int) -> int:
    """Size the same instance would have with Spiff's default serializer (spec embedded), for comparison."""
    from workflows import persistence
    from workflows import serializer

    _, runtime = persistence.load(session, instance_id)
    return serializer.embedded_size(runtime.workflow)


def run(label: str, url: str, count: int) -> None:
    import workflows

    print(f"{label}: {url.split('@')[-1]}")
    app = _app(url)
    with app.app_context():
        session = db.session
        network = build_network(session)
        partner = session.scalar(select(User).where(User.username == "agente"))
        partner.roles  # noqa: B018 - load once, outside the timings
        ids = measure_starts(session, count * len(LAYERS), network.partners["A1"])
        print(f"  state_json after start: {state_sizes(session)} "
              f"(with the spec embedded, as Spiff stores it by default: {embedded_spec_size(session, ids[0])} B)")
        tasks = [task.id for task in workflows.ready_tasks(session, role="partner", limit=count * len(LAYERS))]
        for index, (layer, complete) in enumerate(LAYERS.items()):
            samples = complete(session, partner, tasks[index * count:(index + 1) * count])
            print(f"  complete {len(samples)} human tasks via {layer}: {sum(samples):.2f} s total, "
                  f"{_percentiles(samples)}")
        print(f"  state_json after one completion: {state_sizes(session)}")
        events = session.execute(text("SELECT count(*) FROM process_event")).scalar()
        print(f"  process_event rows: {events}")
        session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--postgres", help="URL of a scratch PostgreSQL database (it is wiped)")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            run("SQLite", f"sqlite:///{folder}/bench.sqlite", args.count)
    if args.postgres:
        _reset_postgres(args.postgres)
        run("PostgreSQL", args.postgres, args.count)


if __name__ == "__main__":
    main()
