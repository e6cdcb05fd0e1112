"""Each sale's post-sale life on the SimClock, and the calls it makes.

Post-sale lifecycle (``postsales.status``), declared as a transition table::

    INVOICED → CONFIRMED | REJECTED | CANCELLED
    CONFIRMED → TRANSFERRING | SHIPPED | COMPLETED | REJECTED | CANCELLED
    TRANSFERRING → COMPLETED | REJECTED | CANCELLED
    SHIPPED → COMPLETED | CANCELLED

Steps (delays in :class:`~.settings.CallbackSettings`), each at its own instant:

- invoice → (``confirm_seconds``) confirm call, or reject call when the seats
  cannot be filled: order_id prefix ``SIM-REJECT``, the listing gone
  (delisted), or ``POST /_sim/postsale/{marketplace}/{order_id}/reject``;
- confirmed PDF / BARCODE / MOBILE → (``fulfill_seconds``, 0 if predelivered)
  fulfill call with one rendered ticket PDF per seat;
- confirmed MOBILE_TRANSFER / FLASH → (``transfer_seconds``) a primary
  transfer through the inventory service with ``upload_proof``; its proof,
  once EMAILED, is sent as the fulfill call with the transfer id;
- confirmed HARD → (``ship_seconds``) airbill download; a PDF or URL makes it
  Shipped; (``deliver_seconds``) later Completed with a fulfill call.

Every step also queues a get-order poll (checked against the documented
outputs) and the sale-notification webhook where one is documented. Calls
go only to marketplaces / brokers that registered; the life moves anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, func, select

from simulator.core.errors import NotFound
from simulator.core.instants import aware, naive, zulu
from simulator.core.lifecycle import Lifecycle
from simulator.core.timers import Timer
from simulator.services.callbacks import deliveries as queue
from simulator.services.callbacks.deliveries import Kind, Outbound
from simulator.services.callbacks.payloads import (
    Message,
    SaleFacts,
    callback_body,
    sale_notification,
    ticket_files,
)
from simulator.services.callbacks.settings import CallbackSettings
from simulator.services.callbacks.tables import broker_webhooks, callback_targets, postsales
from simulator.services.platform.marketplaces import Marketplace
from simulator.services.platform.tables import brokers, events, marketplaces
from simulator.services.sales.tables import catalogue_jobs, listings, orders

P = postsales
MAGIC_REJECT = "SIM-REJECT"
TRANSFER_KINDS = frozenset({"MOBILE_TRANSFER", "FLASH"})

#: marketplace-callbacks.yaml: (method, path template) per call; a marketplace may
#: override any template when it registers (placeholders: order_id, broker,
#: invoice_id, marketplace).
DEFAULT_PATHS: dict[str, str] = {
    "confirm": "/orders/{order_id}/confirm",
    "reject": "/orders/{order_id}/reject",
    "fulfill": "/orders/{order_id}/fulfill",
    "airbill": "/orders/{order_id}/airbill?broker={broker}",
    "get_order": "/orders/{order_id}?broker={broker}",
}
METHODS = {"confirm": "POST", "reject": "POST", "fulfill": "POST", "airbill": "GET",
           "get_order": "GET"}


class PostSale(StrEnum):
    INVOICED = "INVOICED"
    CONFIRMED = "CONFIRMED"
    TRANSFERRING = "TRANSFERRING"
    SHIPPED = "SHIPPED"
    COMPLETED = "COMPLETED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


LIFE: Lifecycle[PostSale] = Lifecycle(P, P.c.status, {
    None: {PostSale.INVOICED},
    PostSale.INVOICED: {PostSale.CONFIRMED, PostSale.REJECTED, PostSale.CANCELLED},
    PostSale.CONFIRMED: {PostSale.TRANSFERRING, PostSale.SHIPPED, PostSale.COMPLETED,
                         PostSale.REJECTED, PostSale.CANCELLED},
    PostSale.TRANSFERRING: {PostSale.COMPLETED, PostSale.REJECTED, PostSale.CANCELLED},
    PostSale.SHIPPED: {PostSale.COMPLETED, PostSale.CANCELLED},
}, noun="sale")

#: The documented order status each post-sale state shows (rejected and
#: cancelled sales keep the last one they reached).
ORDER_STATUS = {PostSale.INVOICED: "Pending", PostSale.CONFIRMED: "Confirmed",
                PostSale.TRANSFERRING: "Confirmed", PostSale.SHIPPED: "Shipped",
                PostSale.COMPLETED: "Completed"}


def key(marketplace_id: int, order_id: str) -> Any:
    return (P.c.marketplace_id == marketplace_id) & (P.c.order_id == order_id)


# --- facts about a sale ---------------------------------------------------------------

def facts(conn: Connection, marketplace_id: int, order_id: str, **dates: Any) -> SaleFacts:
    """Everything the bodies need about one invoiced order."""
    order = conn.execute(select(orders).where(orders.c.marketplace_id == marketplace_id,
                                              orders.c.order_id == order_id)).one()
    listing = conn.execute(select(listings).where(
        listings.c.listing_id == order.listing_id)).first()
    event = conn.execute(select(events).where(events.c.id == listing.event_id)).first() if (
        listing is not None) else None
    broker = conn.execute(select(brokers.c.broker_id).where(
        brokers.c.user_id == order.user_id)).scalar()
    market = conn.execute(select(marketplaces.c.name).where(
        marketplaces.c.id == marketplace_id)).scalar_one()
    job = conn.execute(select(catalogue_jobs.c.recipient_info).where(
        catalogue_jobs.c.marketplace_id == marketplace_id, catalogue_jobs.c.order_id == order_id,
        catalogue_jobs.c.recipient_info.is_not(None)).order_by(
        catalogue_jobs.c.created_at.desc())).first()
    recipient = _recipient(job.recipient_info if job else None) or order.buyer
    return SaleFacts(
        invoice_id=order.invoice_id, order_id=order.order_id,
        broker=broker or str(order.user_id), user_id=order.user_id, marketplace=market,
        delivery=order.delivery_method, predelivered=bool(order.predelivered),
        order_date=aware(order.order_date), in_hand_date=order.in_hand_date,
        listing_id=order.listing_id or "", listing_price=listing.price if listing else 0.0,
        section=order.section or "", seats=tuple((s["row"], s["seat"]) for s in order.seats),
        payout=order.payout_price, event_id=listing.event_id if listing else None,
        event_name=order.event_name, event_date=order.event_date,
        venue_name=order.venue_name, venue_city=event.venue_city if event else None,
        recipient=recipient, **dates)


def _recipient(info: Any) -> dict[str, Any] | None:
    """The catalogue's ``recipient_info`` ({name, email}) as first/last name and email."""
    if not isinstance(info, Mapping):
        return None
    first, _, last = str(info.get("name") or "").strip().partition(" ")
    first = str(info.get("first_name") or first)
    last = str(info.get("last_name") or last)
    email = info.get("email")
    return {"first_name": first or None, "last_name": last or None,
            "email": str(email) if email else None}


# --- queuing the calls ------------------------------------------------------------------

def marketplace_call(conn: Connection, at: datetime, sale: SaleFacts, marketplace_id: int,
                      kind: Kind, body: Mapping[str, Any] | None,
                      expect: Mapping[str, Any] | None = None) -> str | None:
    target = conn.execute(select(callback_targets).where(
        callback_targets.c.marketplace_id == marketplace_id)).first()
    if target is None:
        return None
    template = {**DEFAULT_PATHS, **target.paths}[str(kind)]
    values = {"order_id": sale.order_id, "broker": sale.broker,
              "invoice_id": str(sale.invoice_id), "marketplace": sale.marketplace}
    path = template.format_map({k: quote(v, safe="") for k, v in values.items()})
    return queue.enqueue(conn, at, Outbound(
        kind, METHODS[str(kind)], target.base_url.rstrip("/") + path, target.secret, body,
        expect, sale.marketplace, sale.user_id, sale.order_id, sale.invoice_id))


def _poll_order(conn: Connection, at: datetime, sale: SaleFacts, marketplace_id: int) -> None:
    marketplace_call(conn, at, sale, marketplace_id, Kind.GET_ORDER, None,
                      {"order_id": sale.order_id, "delivery_method": sale.delivery})


def notify(conn: Connection, at: datetime, sale: SaleFacts, message: Message) -> str | None:
    """Queue the sale-notification webhook to the broker, if the broker registered one."""
    hook = conn.execute(select(broker_webhooks).where(
        broker_webhooks.c.user_id == sale.user_id)).first()
    if hook is None:
        return None
    return queue.enqueue(conn, at, Outbound(
        Kind.SALE_NOTIFICATION, "POST", hook.url, hook.secret,
        sale_notification(sale, message), None, sale.marketplace, sale.user_id, sale.order_id,
        sale.invoice_id))


# --- the life of a sale -------------------------------------------------------------------

def on_invoice(conn: Connection, now: datetime, marketplace: Marketplace, order_id: str
               ) -> None:
    """A new invoice: its post-sale life starts, and the broker hears of it."""
    sale = facts(conn, marketplace.id, order_id)
    settings = CallbackSettings.in_store(conn)
    conn.execute(P.insert().values(
        marketplace_id=marketplace.id, order_id=order_id, user_id=sale.user_id,
        invoice_id=sale.invoice_id, delivery=sale.delivery,
        status=LIFE.initial(PostSale.INVOICED), order_status=ORDER_STATUS[PostSale.INVOICED],
        next_step_at=naive(now + timedelta(seconds=settings.confirm_seconds)),
        created_at=naive(now), updated_at=naive(now), durations=settings.durations()))
    notify(conn, now, sale, Message.CREATED_AND_FULFILLED if sale.predelivered
           else Message.CREATED)


def move(conn: Connection, row: Any, at: datetime, target: PostSale,
          next_step: datetime | None, **values: Any) -> None:
    status = ORDER_STATUS.get(target, row.order_status)
    LIFE.move(conn, key(row.marketplace_id, row.order_id), target, order_status=status,
              next_step_at=naive(next_step) if next_step else None, updated_at=naive(at),
              **values)


def _cannot_fill(conn: Connection, row: Any) -> str | None:
    if row.order_id.startswith(MAGIC_REJECT):
        return f"seats cannot be filled (forced by order_id prefix {MAGIC_REJECT})"
    listing_id = conn.execute(select(orders.c.listing_id).where(
        orders.c.marketplace_id == row.marketplace_id,
        orders.c.order_id == row.order_id)).scalar()
    if listing_id is not None and conn.execute(select(listings.c.listing_id).where(
            listings.c.listing_id == listing_id)).first() is None:
        return f"listing {listing_id} was delisted"
    return None


def _after_confirm(sale: SaleFacts, at: datetime, settings: CallbackSettings) -> datetime:
    if sale.delivery == "HARD":
        return at + timedelta(seconds=settings.ship_seconds)
    if sale.delivery in TRANSFER_KINDS:
        return at + timedelta(seconds=settings.transfer_seconds)
    return at + timedelta(seconds=0 if sale.predelivered else settings.fulfill_seconds)


def _step(conn: Connection, row: Any) -> None:
    """Take the due step of one sale at its own instant, with the delays it started with."""
    at = aware(row.next_step_at)
    settings = CallbackSettings.from_durations(row.durations)
    sale = facts(conn, row.marketplace_id, row.order_id)
    status = PostSale(row.status)
    if status is PostSale.INVOICED:
        reason = _cannot_fill(conn, row)
        if reason:
            reject(conn, at, row, sale, reason)
            return
        move(conn, row, at, PostSale.CONFIRMED, _after_confirm(sale, at, settings))
        marketplace_call(conn, at, sale, row.marketplace_id, Kind.CONFIRM,
                          callback_body(sale))
        _poll_order(conn, at, sale, row.marketplace_id)
    elif status is PostSale.CONFIRMED and sale.delivery == "HARD":
        conn.execute(P.update().where(key(row.marketplace_id, row.order_id))
                     .values(next_step_at=None, updated_at=naive(at)))
        if marketplace_call(conn, at, sale, row.marketplace_id, Kind.AIRBILL, None) is None:
            shipped(conn, at, row.marketplace_id, row.order_id)
    elif status is PostSale.CONFIRMED and sale.delivery in TRANSFER_KINDS:
        from simulator.services.callbacks import transfers

        transfers.start(conn, at, row, sale, settings)
    elif status is PostSale.TRANSFERRING:
        from simulator.services.callbacks import transfers

        transfers.check(conn, at, row, sale, settings)
    else:  # CONFIRMED (electronic) or SHIPPED: the buyer has the tickets
        complete(conn, at, row, sale, files=sale.delivery != "HARD")


def complete(conn: Connection, at: datetime, row: Any, sale: SaleFacts, *, files: bool,
             transfer_id: int | None = None) -> None:
    """Completed: fulfill call (PDFs or the transfer id), webhook, get-order poll."""
    move(conn, row, at, PostSale.COMPLETED, None)
    extra: dict[str, Any] = {}
    if files:
        extra["files"] = ticket_files(sale)
    if transfer_id is not None:
        extra["transfer_id"] = str(transfer_id)
    marketplace_call(conn, at, sale, row.marketplace_id, Kind.FULFILL,
                      callback_body(sale, **extra))
    done = facts(conn, row.marketplace_id, row.order_id, completed_at=at)
    if not sale.predelivered:
        notify(conn, at, done, Message.FULFILLED)
    _poll_order(conn, at, sale, row.marketplace_id)


def reject(conn: Connection, at: datetime, row: Any, sale: SaleFacts, reason: str) -> None:
    """The seats cannot be filled: reject call instead of confirm."""
    move(conn, row, at, PostSale.REJECTED, None, reason=reason)
    marketplace_call(conn, at, sale, row.marketplace_id, Kind.REJECT,
                      callback_body(sale, reason=reason))


def shipped(conn: Connection, at: datetime, marketplace_id: int, order_id: str) -> None:
    """The airbill was downloaded: Shipped, and delivered ``deliver_seconds`` later."""
    row = _row(conn, marketplace_id, order_id)
    settings = CallbackSettings.from_durations(row.durations)
    if row.status != PostSale.CONFIRMED:
        return  # cancelled meanwhile: nothing ships
    move(conn, row, at, PostSale.SHIPPED, at + timedelta(seconds=settings.deliver_seconds))
    _poll_order(conn, at, facts(conn, marketplace_id, order_id), marketplace_id)


def _row(conn: Connection, marketplace_id: int, order_id: str) -> Any:
    row = conn.execute(select(P).where(key(marketplace_id, order_id))).first()
    if row is None:
        raise NotFound(f"No invoiced order '{order_id}' on this marketplace")
    return row


def apply_due(conn: Connection, now: datetime) -> int:
    """Take every step due by ``now``, each at its own instant, in order."""
    done = 0
    while True:
        row = conn.execute(select(P).where(P.c.next_step_at <= naive(now))
                           .order_by(P.c.next_step_at, P.c.invoice_id).limit(1)).first()
        if row is None:
            return done
        _step(conn, row)
        done += 1


def next_step(conn: Connection) -> datetime | None:
    due = conn.execute(select(func.min(P.c.next_step_at))).scalar()
    return aware(due) if due else None


TIMER = Timer("callbacks.postsale", next_step, apply_due, tables=frozenset({"postsales"}))


def may_still_call(conn: Connection, now: datetime, wanted: queue.LogFilter) -> bool:
    """Whether a matching call may still be made: one in flight, or (for a named
    order) a step of that order's post-sale life still to come."""
    if queue.in_flight(conn, now, wanted):
        return True
    if wanted.order_id is None:
        return False
    return conn.execute(select(P.c.order_id).where(
        P.c.order_id == wanted.order_id, P.c.next_step_at.is_not(None)).limit(1)
    ).first() is not None


def awaited(conn: Connection, now: datetime, wanted: queue.LogFilter
            ) -> tuple[list[dict[str, Any]], bool]:
    """(matching SUCCEEDED deliveries, whether a matching call may still be made): what
    a wait decides on, read in one transaction.

    Whether a call may still come is read first: a delivery that moves from
    in flight to SUCCEEDED meanwhile is then found by the second read (also on
    PostgreSQL, where each statement reads the latest commits). Read the other
    way round, or in two transactions, it could be seen by neither, and a wait
    would answer 408 for a delivery that succeeded.
    """
    possible = may_still_call(conn, now, wanted)
    return queue.list_deliveries(conn, wanted, succeeded_only=True), possible


def settled(conn: Connection, now: datetime, wanted: queue.LogFilter
            ) -> list[dict[str, Any]] | None:
    """Every matching delivery once none is being sent or due at ``now``; else None.

    One transaction, the busy check first, as in :func:`awaited`.
    """
    if queue.busy_now(conn, now, wanted):
        return None
    return queue.list_deliveries(conn, wanted, limit=1000)


def record_attempt(conn: Connection, now: datetime, claim: queue.Claim, attempt: queue.Attempt,
                   settings: CallbackSettings) -> queue.Finished:
    """Record one attempt; a downloaded airbill ships the sale."""
    finished = queue.finish_attempt(conn, claim, attempt, max_attempts=settings.max_attempts,
                                    backoff_seconds=settings.backoff_seconds,
                                    jitter=settings.jitter)
    if finished.delivered and finished.kind is Kind.AIRBILL and finished.order_id:
        market = conn.execute(select(marketplaces.c.id).where(
            marketplaces.c.name == finished.marketplace)).scalar()
        if market is not None and order_status(conn, market, finished.order_id):
            shipped(conn, finished.at, market, finished.order_id)
    return finished


def order_status(conn: Connection, marketplace_id: int, order_id: str) -> str | None:
    """The documented status of an invoiced order, as its post-sale life set it."""
    found = conn.execute(select(P.c.order_status).where(key(marketplace_id, order_id))).scalar()
    return str(found) if found else None


# --- control-plane actions and catalogue hooks -----------------------------------------------

def act(conn: Connection, now: datetime, marketplace: Marketplace, order_id: str, action: str,
        value: Any = None) -> dict[str, Any]:
    """``reject`` / ``cancel`` an invoiced order, or update its ``price`` or ``recipient``."""
    apply_due(conn, now)
    row = _row(conn, marketplace.id, order_id)
    sale = facts(conn, marketplace.id, order_id)
    if action == "reject":
        reject(conn, now, row, sale, str(value or "rejected through the control plane"))
    elif action == "cancel":
        move(conn, row, now, PostSale.CANCELLED, None, reason="cancelled")
        notify(conn, now, facts(conn, marketplace.id, order_id, cancelled_at=now),
               Message.CANCELLED)
    elif action == "price":
        conn.execute(orders.update().where(orders.c.marketplace_id == marketplace.id,
                                           orders.c.order_id == order_id)
                     .values(payout_price=float(value)))
        notify(conn, now, facts(conn, marketplace.id, order_id), Message.PRICE_UPDATE)
    else:
        conn.execute(orders.update().where(orders.c.marketplace_id == marketplace.id,
                                           orders.c.order_id == order_id)
                     .values(buyer=dict(value)))
        notify(conn, now, facts(conn, marketplace.id, order_id), Message.RECIPIENT_UPDATE)
    return view(conn, marketplace.id, order_id)


def on_recipient(conn: Connection, now: datetime, marketplace_id: int, order_id: str) -> None:
    """The catalogue gave ``recipient_info`` for an invoiced order: recipient update."""
    if order_status(conn, marketplace_id, order_id) is not None:
        notify(conn, now, facts(conn, marketplace_id, order_id), Message.RECIPIENT_UPDATE)


def view(conn: Connection, marketplace_id: int, order_id: str) -> dict[str, Any]:
    row = _row(conn, marketplace_id, order_id)
    return {"order_id": row.order_id, "invoice_id": row.invoice_id, "status": row.status,
            "order_status": row.order_status, "delivery_method": row.delivery,
            "transfer_id": row.transfer_id, "reason": row.reason,
            "next_step_at": zulu(row.next_step_at)}
