"""How the default fixtures of ticket transfers are made (seeded, deterministic).

Per seller: a single event, an event group with two dates, a season with four
child events; ticket types with different transfer settings; customers;
tickets (seated ones carry every documented ``seatingInfo`` field, season
cards are valid for every child event); and one transfer in each state, of
both origins, built consistently (a TRANSFERRED one has issued tickets and
an invalidated origin; a CREATED one claims its tickets).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from simulator.services.ticket_transfers.model import HistoryType, stamp

if TYPE_CHECKING:
    from simulator.fixturegen import FixtureContext

EPOCH = datetime(2026, 3, 1, tzinfo=UTC)  # fixture tickets and transfers date from here
DOCUMENTED = "string"  # the id, secret and child event of the documentation's examples
SEAT_TYPES = ("normal", "normal", "normal", "handicapped")
SECTION_NAMES = ("Parkett", "Rang Links", "Rang Rechts", "Balkon")
GATES = ("A", "B", "C", "D")


class SectionMaker:
    """Accumulates the sections of the document, seller by seller."""

    def __init__(self, ctx: FixtureContext) -> None:
        self.rng, self.fake = ctx.rng, ctx.fake
        self.document: dict[str, list[dict[str, Any]]] = {
            "sellers": [], "seller_events": [], "customers": [], "ticket_types": [],
            "tickets": [], "ticket_transfers": []}
        self.clock = EPOCH

    def hex(self) -> str:
        return f"{self.rng.getrandbits(96):024x}"

    def secret(self) -> str:
        return f"{self.rng.getrandbits(64):016x}"

    def tick(self) -> str:
        self.clock += timedelta(minutes=self.rng.randint(5, 600))
        return str(stamp(self.clock))

    def seller(self, api_key: str, *, documented: bool) -> None:
        seller_id = self.hex()
        self.document["sellers"].append({"_id": seller_id, "name": self.fake.company(),
                                         "apiKey": api_key})
        events = self._events(seller_id, documented)
        types = self._types(seller_id)
        customers = self._customers(seller_id)
        tickets = self._tickets(seller_id, events, types, customers, documented)
        self._transfers(seller_id, events, tickets, customers, documented)

    def _event(self, seller_id: str, name: str, group: str | None = None,
               event_id: str | None = None) -> str:
        event_id = event_id or self.hex()
        start = EPOCH + timedelta(days=self.rng.randint(60, 400), hours=self.rng.choice((18, 20)))
        self.document["seller_events"].append({"_id": event_id, "sellerId": seller_id,
                                               "name": name, "groupEventId": group,
                                               "start": stamp(start)})
        return event_id

    def _events(self, seller_id: str, documented: bool) -> dict[str, Any]:
        city = self.fake.city()
        single = self._event(seller_id, f"{self.fake.catch_phrase()} Live in {city}")
        group = self._event(seller_id, f"{city} Summer Nights")
        dates = [self._event(seller_id, f"{city} Summer Nights, night {n}", group)
                 for n in (1, 2)]
        season = self._event(seller_id, f"{city} FC Season 2026/27")
        children = [self._event(seller_id, f"{city} FC vs {self.fake.city()} FC", season)
                    for _ in range(3)]
        if documented:
            children.append(self._event(seller_id, f"{city} FC vs Documentation FC", season,
                                        DOCUMENTED))
        return {"single": single, "group": group, "dates": dates, "season": season,
                "children": children}

    def _types(self, seller_id: str) -> dict[str, str]:
        found = {}
        for key, name, after in (("standard", "Standard", {"offset": 7, "unit": "days"}),
                                 ("quick", "Last Minute", {"offset": 2, "unit": "hours"}),
                                 ("season", "Season Card", None)):
            type_id = self.hex()
            self.document["ticket_types"].append({
                "_id": type_id, "sellerId": seller_id, "name": name,
                "transferSettings": {"expiresAfter": after}})
            found[key] = type_id
        return found

    def _customers(self, seller_id: str) -> list[dict[str, Any]]:
        found = []
        for _ in range(6):
            prename, lastname = self.fake.first_name(), self.fake.last_name()
            customer = {"_id": self.hex(), "sellerId": seller_id,
                        "email": f"{prename}.{lastname}@{self.fake.free_email_domain()}".lower(),
                        "prename": prename, "lastname": lastname,
                        "phone": self.fake.numerify("+49 151 #######")}
            self.document["customers"].append(customer)
            found.append(customer)
        return found

    def _seating(self) -> dict[str, Any]:
        section = self.rng.choice(SECTION_NAMES)
        row, seat = str(self.rng.randint(1, 30)), str(self.rng.randint(1, 40))
        return {"_id": self.hex(), "_type": 6, "categoryId": self.hex(), "statusId": self.hex(),
                "name": f"{section} Reihe {row} Platz {seat}",
                "seatType": self.rng.choice(SEAT_TYPES), "sectionName": section,
                "groupName": f"Block {self.rng.randint(1, 12)}", "rowName": row,
                "seatName": seat, "gate": self.rng.choice(GATES)}

    def ticket(self, seller_id: str, event_id: str, type_id: str, type_name: str,
               owner: dict[str, Any], *, seated: bool, ticket_id: str | None = None,
               secret: str | None = None, **extra: Any) -> dict[str, Any]:
        ticket = {"_id": ticket_id or self.hex(), "secret": secret or self.secret(),
                  "sellerId": seller_id, "eventId": event_id, "ticketTypeId": type_id,
                  "ticketName": type_name, "seatingInfo": self._seating() if seated else None,
                  "customerId": owner["_id"], "email": owner["email"],
                  "name": f"{owner['prename']} {owner['lastname']}", "excludedEventIds": [],
                  "status": "VALID", "originTicketId": None, "createdAt": self.tick(), **extra}
        self.document["tickets"].append(ticket)
        return ticket

    def _tickets(self, seller_id: str, events: dict[str, Any], types: dict[str, str],
                 customers: list[dict[str, Any]], documented: bool) -> list[dict[str, Any]]:
        plan = [(events["single"], "standard", "Standard", True)] * 6
        plan += [(events["dates"][0], "quick", "Last Minute", False)] * 3
        plan += [(events["dates"][1], "standard", "Standard", True)] * 3
        plan += [(events["season"], "season", "Season Card", True)] * 4
        found = [self.ticket(seller_id, event, types[kind], name, customers[n % 4], seated=seated)
                 for n, (event, kind, name, seated) in enumerate(plan)]
        if documented:
            found.append(self.ticket(seller_id, events["season"], types["season"], "Season Card",
                                     customers[0], seated=True, ticket_id=DOCUMENTED,
                                     secret=DOCUMENTED))
        return found

    def _history(self, *steps: tuple[HistoryType, str | None, str]) -> list[dict[str, Any]]:
        found = []
        for kind, user, date in steps:
            entry = {"_id": self.hex(), "date": date, "type": str(kind)}
            if user:
                entry["userId"] = user
            found.append(entry)
        return found

    def _transfer(self, seller_id: str, tickets: list[dict[str, Any]], status: str,
                  origin: str, recipient: dict[str, Any], event_id: str,
                  group: str | None, steps: list[tuple[HistoryType, str | None, str]],
                  **extra: Any) -> dict[str, Any]:
        owner = tickets[0]
        item = {"_id": extra.pop("_id", None) or self.hex(),
                "secret": extra.pop("secret", None) or self.hex(),
                "ticketIds": [t["_id"] for t in tickets], "eventId": event_id,
                "groupEventId": group, "sellerId": seller_id, "status": status,
                "origin": origin, "recipient": recipient,
                "sender": {"customerId": owner["customerId"], "email": owner["email"],
                           "name": owner["name"]},
                "outcome": {"tickets": []}, "history": self._history(*steps),
                "expiresAt": None, "createdAt": steps[0][2], "updatedAt": steps[-1][2],
                "childEventId": None, **extra}
        self.document["ticket_transfers"].append(item)
        return item

    def _transfers(self, seller_id: str, events: dict[str, Any], tickets: list[dict[str, Any]],
                   customers: list[dict[str, Any]], documented: bool) -> None:
        single, season = events["single"], events["season"]

        def to(customer: dict[str, Any]) -> dict[str, Any]:
            return {"email": customer["email"], "phone": customer["phone"]}

        created = self.tick()
        self._transfer(seller_id, [tickets[0]], "CREATED", "customer", to(customers[4]),
                       single, None, [(HistoryType.CREATED, tickets[0]["customerId"], created)],
                       expiresAt=stamp(datetime(2099, 1, 1, tzinfo=UTC)))
        # accepted: the origin is invalid, the recipient owns a new ticket
        origin = tickets[1]
        start, done = self.tick(), self.tick()
        receiver = customers[5]
        issued = self.ticket(seller_id, single, origin["ticketTypeId"], origin["ticketName"],
                             receiver, seated=False, originTicketId=origin["_id"],
                             seatingInfo=origin["seatingInfo"])
        origin["status"] = "INVALID"
        self._transfer(seller_id, [origin], "TRANSFERRED", "stubhub",
                       {**to(receiver), "customerId": receiver["_id"]}, single, None,
                       [(HistoryType.CREATED, origin["customerId"], start),
                        (HistoryType.TRANSFERRED, receiver["_id"], done)],
                       outcome={"tickets": [{"ticketId": issued["_id"],
                                             "originTicketId": origin["_id"]}]})
        for status, kind, ticket in (("REJECTED", HistoryType.REJECTED, tickets[2]),
                                     ("EXPIRED", HistoryType.EXPIRED, tickets[6])):
            start, done = self.tick(), self.tick()
            self._transfer(seller_id, [ticket], status, "customer", to(customers[4]),
                           ticket["eventId"], None if ticket["eventId"] == single else
                           events["group"], [(HistoryType.CREATED, ticket["customerId"], start),
                                             (kind, None, done)], expiresAt=done
                           if status == "EXPIRED" else None)
        if documented:
            card = tickets[-1]
            self._transfer(seller_id, [card], "CREATED", "customer", to(customers[3]),
                           events["children"][0], season,
                           [(HistoryType.CREATED, card["customerId"], self.tick())],
                           _id=DOCUMENTED, secret=DOCUMENTED,
                           childEventId=events["children"][0])
