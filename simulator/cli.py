"""``ticketsim``: serve the simulator, make fixtures and PDFs, run the conformance suite."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from simulator.clock import ClockMode
from simulator.config import SimConfig

DEFAULT_DB = "var/ticketsim.sqlite3"


@click.group()
def main() -> None:
    """ticketsim: a contract-first simulator of the 1Ticket broker APIs."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--db", default=DEFAULT_DB, show_default=True,
              help="SQLite file (a restart resumes), ':memory:' or a SQLAlchemy URL.")
@click.option("--fixtures", "fixtures_path", type=click.Path(exists=True, dir_okay=False,
                                                              path_type=Path),
              help="Fixtures document loaded into an empty database (default: built-in set).")
@click.option("--clock", type=click.Choice([m.value for m in ClockMode]), default="realtime",
              show_default=True, help="Start with time running, or frozen.")
@click.option("--validate-responses", is_flag=True, help="Check every response against its spec.")
@click.option("--long-poll-seconds", default=25.0, show_default=True, type=float)
@click.option("--log-level", default="warning", show_default=True)
def serve(host: str, port: int, db: str, fixtures_path: Path | None, clock: str,
          validate_responses: bool, long_poll_seconds: float, log_level: str) -> None:
    """Serve every API on one port, at the real APIs' paths."""
    import uvicorn

    from simulator.app import SERVICES, create_app
    from simulator.fixturegen import DEFAULT_BROKER_KEY, DEFAULT_MARKETPLACE_KEY

    base_url = f"http://{host}:{port}"
    config = SimConfig(db=db, fixtures=fixtures_path, clock=ClockMode(clock),
                       validate_responses=validate_responses, base_url=base_url,
                       long_poll_seconds=long_poll_seconds)
    app = create_app(config)
    click.echo(f"ticketsim serving on {base_url}  (state: {db})")
    for service in SERVICES:
        click.echo(f"  {base_url}{service.base_path:<22} {service.spec:<22} "
                   f"ui: {service.base_path}/ui/")
    click.echo(f"API keys: marketplace {DEFAULT_MARKETPLACE_KEY!r} (every marketplace), "
               f"broker {DEFAULT_BROKER_KEY!r} (user 8060)")
    sys.stdout.flush()
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


@main.command()
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--listings", default=200, show_default=True, type=click.IntRange(1))
@click.option("--brokers", default=5, show_default=True, type=click.IntRange(1))
@click.option("--orders", default=28, show_default=True, type=click.IntRange(0))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def fixtures(seed: int, listings: int, brokers: int, orders: int, out: Path) -> None:
    """Write a deterministic fixtures document (same seed, same document)."""
    from simulator import fixturegen

    with click.progressbar(length=listings, label="listings", file=sys.stderr) as bar:
        done = [0]

        def progress(current: int, _total: int) -> None:
            bar.update(current - done[0])
            done[0] = current

        document = fixturegen.generate(seed=seed, listings=listings, brokers=brokers,
                                       orders=orders, progress=progress)
    fixturegen.write(document, out)
    click.echo(f"wrote {out}: {len(document['listings'])} listings, "
               f"{len(document['orders'])} orders, {len(document['api_keys'])} API keys")


if __name__ == "__main__":
    main()
