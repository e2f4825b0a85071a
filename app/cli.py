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
