"""``ticketsim``: serve the simulator, make fixtures and PDFs, run the conformance suite."""

from __future__ import annotations

import functools
import socket
import sys
import warnings
from pathlib import Path

import click

from simulator.config import MAX_BODY_BYTES, SimConfig
from simulator.core.clock import ClockMode
from simulator.progress import board
from simulator.workers import FACTORY, export_config, tune_gc

DEFAULT_DB = "var/ticketsim.sqlite3"

# Connexion imports Starlette's test client at start-up; its deprecation notice
# about httpx is noise for people running the server.
warnings.filterwarnings("ignore", message=".*starlette.testclient.*")


class _LazyConformance(click.Group):
    """Loads the conformance suite's command only when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), "conformance"]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "conformance":
            from conformance.cli import conformance

            return conformance
        return super().get_command(ctx, cmd_name)



@click.group(cls=_LazyConformance)
@click.version_option(package_name="ticketsim", prog_name="ticketsim")
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
@click.option("--validate-responses/--no-validate-responses", default=True, show_default=True,
              help="Check every response against its spec (a compiled check: costs little, "
                   "see docs/speed.md).")
@click.option("--long-poll-seconds", default=25.0, show_default=True, type=float)
@click.option("--fetch-allow", default="127.0.0.1,localhost,::1", show_default=True,
              help="Hosts the PDF service may fetch inputs from, comma-separated ('*': any).")
@click.option("--no-control", is_flag=True,
              help="Do not serve the control plane /_sim (stand in for a real deployment).")
@click.option("--log-level", default="warning", show_default=True)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1),
              help="Processes serving the port over one database (a file or PostgreSQL).")
# -- control plane and steering (README: "Steering the simulator from a test") --
@click.option("--journal-size", default=10_000, show_default=True, type=click.IntRange(1),
              envvar="TICKETSIM_JOURNAL_SIZE", help="Requests the journal keeps (a ring).")
@click.option("--journal-body-bytes", default=2048, show_default=True, type=click.IntRange(0),
              envvar="TICKETSIM_JOURNAL_BODY_BYTES", help="Bytes of each body it keeps.")
@click.option("--control-token", default=None, envvar="TICKETSIM_CONTROL_TOKEN",
              help="Every /_sim call then needs Authorization: Bearer TOKEN.")
@click.option("--insecure-control", is_flag=True,
              help="Allow a non-loopback --host without a control token.")
@click.option("--log-format", type=click.Choice(["text", "json", "off"]), default="text",
              show_default=True, help="One line per request on stdout, as text or JSON.")
@click.option("--max-body-bytes", default=MAX_BODY_BYTES, show_default=True,
              type=click.IntRange(0), help="Largest request body taken; a larger one is "
              "refused (400) before it is read.")
def serve(host: str, port: int, db: str, fixtures_path: Path | None, clock: str,
          validate_responses: bool, long_poll_seconds: float, fetch_allow: str,
          no_control: bool, log_level: str, journal_size: int, journal_body_bytes: int,
          control_token: str | None, insecure_control: bool, log_format: str,
          workers: int, max_body_bytes: int) -> None:
    """Serve every API on one port, at the real APIs' paths."""
    import uvicorn

    refusal = None if no_control else control_exposure(host, control_token, insecure_control)
    if refusal:
        raise click.UsageError(refusal)

    from simulator.app import create_app
    from simulator.fixturegen import DEFAULT_BROKER_KEY, DEFAULT_MARKETPLACE_KEY
    from simulator.runtime import Simulator
    from simulator.services import SERVICES
    from simulator.supervisor import Supervisor

    base_url = f"http://{host}:{port}"
    config = SimConfig(db=db, fixtures=fixtures_path, clock=ClockMode(clock),
                       validate_responses=validate_responses, base_url=base_url,
                       long_poll_seconds=long_poll_seconds,
                       fetch_allow=tuple(h.strip() for h in fetch_allow.split(",") if h.strip()),
                       journal_size=journal_size, journal_body_bytes=journal_body_bytes,
                       control_token=control_token or None, control=not no_control,
                       max_body_bytes=max_body_bytes)
    # --- scale-out: several processes over one store act as one simulator ---
    config.shared = _shared_store(db, workers)
    sockets = _listen(host, port, workers) if workers > 1 else []
    # several workers: each builds its own app; this process only prepares the store
    # once (schema, fixtures), without the specs and middleware an app loads
    app = create_app(config) if workers == 1 else None
    if app is None:
        Simulator(config).close()
    click.echo(f"ticketsim serving on {base_url}  (state: {db}, workers: {workers}; "
               f"live state page: {base_url}/)")
    for service in SERVICES:
        for mount in service.mounts:
            if mount.is_control_plane and no_control:
                continue
            click.echo(f"  {base_url}{mount.base_path:<30} {service.name:<18} "
                       f"ui: {mount.base_path}/ui/")
    click.echo(f"API keys: marketplace {DEFAULT_MARKETPLACE_KEY!r} (every marketplace), "
               f"broker {DEFAULT_BROKER_KEY!r} (user 8060), seller 'sim-seller-key' "
               "(ticket transfers)")
    sys.stdout.flush()
    log_requests(log_format)
    if app is None:
        export_config(config)
        supervisor = Supervisor(sockets, FACTORY, {"log_level": log_level, "access_log": False},
                                functools.partial(log_requests, log_format))
        sys.exit(supervisor.run())
    tune_gc()
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
    finally:  # stop and join the delivery threads, so none writes to a closing store
        app.simulator.close()


def _listen(host: str, port: int, workers: int) -> list[socket.socket]:
    """The workers' listening sockets, bound before anything starts (a port in use
    fails here, with the reason)."""
    from simulator.supervisor import listening_sockets

    try:
        return listening_sockets(host, port, workers)
    except OSError as exc:
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _shared_store(db: str, workers: int) -> bool:
    """Whether other processes may use the store: several workers, or a server database."""
    if workers > 1 and db == ":memory:":
        raise click.BadParameter("several workers need a database file or a PostgreSQL URL, "
                                 "not ':memory:'", param_hint="--db")
    return workers > 1 or ("://" in db and not db.startswith("sqlite"))


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def control_exposure(host: str, token: str | None, insecure: bool) -> str | None:
    """Why ``serve`` must not bind ``host``, or None when it may.

    Anyone who reaches the port can reset the simulator, move its clock and
    read its journal; beyond loopback that needs a control token.
    """
    if token or insecure or host.lower() in LOOPBACK_HOSTS or host.startswith("127."):
        return None
    return (f"--host {host} would let anyone who reaches the port reset the simulator, move "
            "its clock and read its journal through /_sim. Give --control-token TOKEN (or set "
            "TICKETSIM_CONTROL_TOKEN), or pass --insecure-control to accept that.")


@main.command()
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--listings", default=200, show_default=True, type=click.IntRange(1))
@click.option("--brokers", default=5, show_default=True, type=click.IntRange(1))
@click.option("--orders", default=28, show_default=True, type=click.IntRange(0))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def fixtures(seed: int, listings: int, brokers: int, orders: int, out: Path) -> None:
    """Write a deterministic fixtures document (same seed, same document)."""
    from simulator import fixturegen

    with board() as bars:
        document = fixturegen.generate(seed, listings=listings, brokers=brokers,
                                       orders=orders, progress=bars.callback("listings"))
    fixturegen.write(document, out)
    click.echo(f"wrote {out}: {len(document['listings'])} listings, "
               f"{len(document['orders'])} orders, {len(document['api_keys'])} API keys")


@main.group()
def pdf() -> None:
    """Synthetic ticket PDFs."""


@pdf.command("make")
@click.option("--tickets", default=1, show_default=True, type=click.IntRange(1))
@click.option("--producer", default=None, help="Ticketmaster, AXS, SeatGeek, Tickets.com, "
              "MLB Ballpark, ... (default: a mix).")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def pdf_make(tickets: int, producer: str | None, seed: int, out: Path) -> None:
    """Write TICKETS synthetic tickets, one per page, with real barcodes."""
    from simulator.pdf.cli import make_pdf

    with board() as bars:
        try:
            make_pdf(tickets, producer, seed, out, bars.callback("tickets"))
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    click.echo(f"wrote {out}: {tickets} tickets")


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dpi", default=200, show_default=True, type=click.IntRange(72, 600))
def decode(path: Path, dpi: int) -> None:
    """Decode a ticket PDF as the decoder service does; prints its JSON."""
    import json

    from simulator.core.errors import PdfError
    from simulator.pdf.decode import decode_pdf

    try:
        tickets = decode_pdf(path.read_bytes(), dpi=dpi)
    except PdfError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(json.dumps({"tickets": [t.to_dict() for t in tickets]}, indent=2))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9099, show_default=True, type=int)
@click.option("--secret", "secrets", multiple=True,
              help="Check signatures with these secrets (401 if none matches); repeatable.")
def receiver(host: str, port: int, secrets: tuple[str, ...]) -> None:
    """Serve a reference marketplace + webhook receiver (marketplace-callbacks.yaml)."""
    import uvicorn

    from simulator.services.callbacks.receiver import Receiver

    click.echo(f"reference receiver on http://{host}:{port}  (what it got: /_received)")
    uvicorn.run(Receiver(*secrets).app(), host=host, port=port, log_level="warning")

# Adoption: request log lines for `serve`, and an environment variable for every
# `serve` option (TICKETSIM_PORT, TICKETSIM_LOG_FORMAT, ...), for CI services.

def log_requests(log_format: str) -> None:
    """Send one line per request (``simulator.core.http.requestlog``) to stdout."""
    import logging

    from simulator.core.http.requestlog import LOGGER, JsonFormat, TextFormat

    logger = logging.getLogger(LOGGER)
    logger.handlers.clear()
    logger.propagate = False
    if log_format == "off":
        logger.setLevel(logging.WARNING)
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormat() if log_format == "json" else TextFormat())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def bind_envvars(command: click.Command, prefix: str = "TICKETSIM") -> None:
    """Give each option of ``command`` without one the variable ``PREFIX_<LONG_NAME>``."""
    for param in command.params:
        if isinstance(param, click.Option) and not param.envvar:
            longest = max(param.opts, key=len).lstrip("-")
            param.envvar = f"{prefix}_{longest.replace('-', '_').upper()}"
            param.show_envvar = True


bind_envvars(serve)


if __name__ == "__main__":
    main()
