"""Deterministic, realistic synthetic tickets.

``random_ticket(seed)`` always gives the same ticket for the same seed (and
the same Faker version): a real-looking event ("New York Mets at Atlanta
Braves" at Truist Park), seats that fit the venue, the producer's order and
account number style, dates around the year after ``start``, disclosures
from the table, and barcode data valid for the chosen symbology. No wall
clock is read: dates are offsets from ``start``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from faker import Faker

from simulator.pdf.barcode_data import valid_data
from simulator.pdf.disclosures import DISCLOSURES
from simulator.pdf.model import BARCODE_TYPES, Barcode, TicketFields
from simulator.pdf.producers import PRODUCERS, Producer, get_producer

__all__ = ["DEFAULT_START", "TicketFactory", "random_ticket"]

DEFAULT_START = date(2026, 1, 1)

# (team, home venue) per league
_MLB = (
    ("Arizona Diamondbacks", "Chase Field"),
    ("Atlanta Braves", "Truist Park"),
    ("Baltimore Orioles", "Oriole Park at Camden Yards"),
    ("Boston Red Sox", "Fenway Park"),
    ("Chicago Cubs", "Wrigley Field"),
    ("Chicago White Sox", "Rate Field"),
    ("Cincinnati Reds", "Great American Ball Park"),
    ("Cleveland Guardians", "Progressive Field"),
    ("Colorado Rockies", "Coors Field"),
    ("Detroit Tigers", "Comerica Park"),
    ("Houston Astros", "Daikin Park"),
    ("Kansas City Royals", "Kauffman Stadium"),
    ("Los Angeles Angels", "Angel Stadium"),
    ("Los Angeles Dodgers", "Dodger Stadium"),
    ("Miami Marlins", "loanDepot park"),
    ("Milwaukee Brewers", "American Family Field"),
    ("Minnesota Twins", "Target Field"),
    ("New York Mets", "Citi Field"),
    ("New York Yankees", "Yankee Stadium"),
    ("Philadelphia Phillies", "Citizens Bank Park"),
    ("Pittsburgh Pirates", "PNC Park"),
    ("San Diego Padres", "Petco Park"),
    ("San Francisco Giants", "Oracle Park"),
    ("Seattle Mariners", "T-Mobile Park"),
    ("St. Louis Cardinals", "Busch Stadium"),
    ("Tampa Bay Rays", "George M. Steinbrenner Field"),
    ("Texas Rangers", "Globe Life Field"),
    ("Toronto Blue Jays", "Rogers Centre"),
    ("Washington Nationals", "Nationals Park"),
)
_NBA = (
    ("Boston Celtics", "TD Garden"),
    ("Brooklyn Nets", "Barclays Center"),
    ("Chicago Bulls", "United Center"),
    ("Denver Nuggets", "Ball Arena"),
    ("Golden State Warriors", "Chase Center"),
    ("Los Angeles Lakers", "Crypto.com Arena"),
    ("Miami Heat", "Kaseya Center"),
    ("New York Knicks", "Madison Square Garden"),
    ("Phoenix Suns", "PHX Arena"),
    ("Dallas Mavericks", "American Airlines Center"),
)
_NHL = (
    ("Boston Bruins", "TD Garden"),
    ("Colorado Avalanche", "Ball Arena"),
    ("Los Angeles Kings", "Crypto.com Arena"),
    ("New York Rangers", "Madison Square Garden"),
    ("Seattle Kraken", "Climate Pledge Arena"),
    ("Vegas Golden Knights", "T-Mobile Arena"),
    ("Toronto Maple Leafs", "Scotiabank Arena"),
)
_NFL = (
    ("Kansas City Chiefs", "GEHA Field at Arrowhead Stadium"),
    ("Dallas Cowboys", "AT&T Stadium"),
    ("Green Bay Packers", "Lambeau Field"),
    ("Philadelphia Eagles", "Lincoln Financial Field"),
    ("Buffalo Bills", "Highmark Stadium"),
    ("Seattle Seahawks", "Lumen Field"),
)
_CONCERT_VENUES = (
    "Madison Square Garden",
    "The Forum",
    "Red Rocks Amphitheatre",
    "Radio City Music Hall",
    "The Greek Theatre",
    "Ryman Auditorium",
    "Hollywood Bowl",
    "Climate Pledge Arena",
    "Crypto.com Arena",
    "The Anthem",
)
_THEATRES = ("Richard Rodgers Theatre", "Gershwin Theatre", "Pantages Theatre", "Fox Theatre")
_SHOWS = ("Hamilton", "Wicked", "The Lion King", "Hadestown", "Moulin Rouge! The Musical")
_TOURS = ("World Tour", "Live", "North American Tour", "In Concert", "Summer Tour")
_GAME_TIMES = ((13, 5), (13, 10), (16, 10), (18, 40), (19, 5), (19, 10), (19, 30), (20, 0))
_SHOW_TIMES = ((14, 0), (19, 0), (19, 30), (20, 0))

# the kinds of event each producer sells
_MIX: dict[str, tuple[str, ...]] = {
    "Ticketmaster": ("nba", "nhl", "concert", "mlb", "theatre"),
    "AXS": ("concert", "nhl", "nba"),
    "SeatGeek": ("nfl", "concert", "mlb"),
    "Tickets.com": ("mlb",),
    "MLB Ballpark": ("mlb",),
}


@dataclass(frozen=True, slots=True)
class _Event:
    name: str
    venue: str
    kind: str  # ballpark | arena | stadium | theatre
    times: tuple[tuple[int, int], ...]


class TicketFactory:
    """A seeded source of tickets: the same seed gives the same sequence."""

    def __init__(self, seed: int, *, start: date = DEFAULT_START) -> None:
        self._rng = random.Random(seed)
        self._fake = Faker("en_US")
        self._fake.seed_instance(seed)
        self._start = start

    def ticket(self, producer: str | None = None, symbology: str | None = None) -> TicketFields:
        """The next ticket, from ``producer`` (random if None) with ``symbology``.

        ``symbology`` defaults to the producer's; ``UPC_EAN_EXTENSION`` gives
        an EAN-13 or UPC-A with its add-on.
        """
        rng = self._rng
        house = get_producer(producer) if producer else PRODUCERS[rng.choice(sorted(PRODUCERS))]
        if symbology is not None and symbology not in BARCODE_TYPES:
            raise ValueError(f"unknown barcode type {symbology!r}")
        event = self._event(rng.choice(_MIX[house.name]))
        hour, minute = rng.choice(event.times)
        day = self._start + timedelta(days=rng.randint(0, 364))
        event_date = datetime.combine(day, time(hour, minute))
        order_date = datetime.combine(
            day - timedelta(days=rng.randint(1, 120)), time(rng.randint(0, 23), rng.randint(0, 59))
        )
        section, row, seat = self._seat(event.kind)
        return TicketFields(
            producer=house.name,
            buyer_id=house.buyer_id(rng),
            buyer_name=self._fake.name(),
            buyer_type=rng.choice(house.buyer_types) if rng.random() < 0.85 else None,
            order_date=order_date,
            order_id=house.order_id(rng),
            event_name=event.name,
            event_date=event_date,
            venue_name=event.venue,
            section=section,
            row=row,
            seat=seat,
            portal=rng.choice(house.portals) if rng.random() < 0.9 else None,
            disclosures=self._disclosures(),
            barcodes=self._barcodes(house, symbology),
        )

    def _event(self, kind: str) -> _Event:
        rng = self._rng
        if kind in ("mlb", "nba", "nhl", "nfl"):
            teams = {"mlb": _MLB, "nba": _NBA, "nhl": _NHL, "nfl": _NFL}[kind]
            (away, _), (home, venue) = rng.sample(teams, 2)
            place = {"mlb": "ballpark", "nfl": "stadium"}.get(kind, "arena")
            return _Event(f"{away} at {home}", venue, place, _GAME_TIMES)
        if kind == "theatre":
            return _Event(rng.choice(_SHOWS), rng.choice(_THEATRES), "theatre", _SHOW_TIMES)
        artist = self._fake.name() if rng.random() < 0.5 else f"The {self._fake.last_name()}s"
        name = f"{artist}: {rng.choice(_TOURS)} {self._start.year}"
        return _Event(name, rng.choice(_CONCERT_VENUES), "arena", _SHOW_TIMES)

    def _seat(self, kind: str) -> tuple[str, str, str]:
        rng = self._rng
        if kind == "theatre":
            section = rng.choice(("ORCH", "MEZZ", "BALC", "LOGE"))
            return section, rng.choice("ABCDEFGHJKLMNP"), str(rng.randint(101, 130))
        if kind == "arena" and rng.random() < 0.2:
            section = f"FLR {rng.choice('ABCD')}"
        elif kind == "ballpark" and rng.random() < 0.15:
            section = f"Field Box {rng.randint(10, 40)}"
        else:
            section = str(rng.choice((1, 2, 3, 4)) * 100 + rng.randint(1, 40))
        row = (
            str(rng.randint(1, 30))
            if rng.random() < 0.5
            else rng.choice("ABCDEFGHJKLMN") * (2 if rng.random() < 0.15 else 1)
        )
        return section, row, str(rng.randint(1, 24))

    def _disclosures(self) -> list[str]:
        rng = self._rng
        if rng.random() < 0.55:
            return []
        entries = rng.sample(DISCLOSURES, rng.randint(1, 3))
        return [rng.choice(entry.raw) for entry in entries]

    def _barcodes(self, house: Producer, symbology: str | None) -> list[Barcode]:
        rng = self._rng
        kind = symbology or house.symbology
        if kind == "UPC_EAN_EXTENSION":
            host = rng.choice(("EAN_13", "UPC_A"))
            return [Barcode(valid_data(host, rng), host), Barcode(valid_data(kind, rng), kind)]
        barcodes = [Barcode(valid_data(kind, rng), kind)]
        if house.name == "Ticketmaster" and symbology is None and rng.random() < 0.3:
            barcodes.append(Barcode(valid_data("CODE_128", rng), "CODE_128"))  # the stub's code
        return barcodes


def random_ticket(
    seed: int | random.Random,
    producer: str | None = None,
    symbology: str | None = None,
    *,
    start: date = DEFAULT_START,
) -> TicketFields:
    """One synthetic ticket, the same for the same ``seed``.

    ``seed`` may be a ``random.Random``, from which a seed is drawn.
    """
    if isinstance(seed, random.Random):
        seed = seed.randrange(2**63)
    return TicketFactory(seed, start=start).ticket(producer, symbology)
