"""Command-line interface: ``flask demo seed`` and friends."""

import click
from flask.cli import AppGroup

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
    click.echo("Demo logins (password for all: %s)" % PASSWORD)
    for username in USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        roles = ", ".join(sorted(role.value for role in user.roles))
        partner = f" — {user.partner.name} ({user.partner.code})" if user.partner else ""
        click.echo(f"  {username:<14} {roles}{partner}")
    click.echo("Open http://127.0.0.1:5000 and sign in.")
