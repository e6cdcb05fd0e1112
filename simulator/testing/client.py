"""Thin typed wrappers over the ``/_sim`` control plane of a running simulator.

:class:`Ticketsim` is what the pytest fixture hands a test: the base URL, the
default keys, the clock, reset and fixtures, and (when the server has them)
fault rules, the request journal and the outbound delivery log. A wrapper
whose endpoint the server does not have (``/_sim/faults`` answers 404 on an
older simulator) raises :class:`FeatureUnavailable`, which the plugin turns
into a skip with that reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from simulator.core.http.requestlog import RequestEntry, RequestRecorder, shown_status

__all__ = [
    "Clock",
    "ControlError",
    "Deliveries",
    "Faults",
    "FeatureUnavailable",
    "Journal",
    "Keys",
    "Ticketsim",
]

Json = dict[str, Any]
Items = list[Json]  # (inside classes with a ``list`` method, ``list`` is that method)
#: Long-polls (deliveries.wait) may hold a request this long, in real seconds.
HTTP_TIMEOUT = 60.0


class ControlError(RuntimeError):
    """A control-plane call was refused; the message is the simulator's own."""


class FeatureUnavailable(LookupError):
    """This simulator has no such control-plane feature (its endpoint answers 404)."""


@dataclass(frozen=True, slots=True)
class Keys:
    """The default fixtures' API keys (see the README's "API keys")."""

    marketplace: str
    broker: str
    broker_user_id: int = 8060


def _answer(response: httpx.Response, *expected: int) -> Any:
    if response.status_code not in (expected or (200,)):
        try:
            message = response.json().get("message", response.text)
        except (ValueError, AttributeError):
            message = response.text
        raise ControlError(f"{response.request.method} {response.request.url.path} answered "
                           f"{response.status_code}: {message}")
    return response.json() if response.content else None


def _items(body: Any, *names: str) -> list[Json]:
    """The list in ``body``: the body itself, or its first list under one of ``names``."""
    if isinstance(body, list):
        return body
    for name in names:
        if isinstance(body, dict) and isinstance(body.get(name), list):
            found: list[Json] = body[name]
            return found
    return []


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Clock:
    """The simulated clock (``/_sim/clock``)."""

    def __init__(self, http: httpx.Client) -> None:
        self._http = http

    def state(self) -> Json:
        """``{"now", "mode", "pending_events"}``."""
        state: Json = _answer(self._http.get("/_sim/clock"))
        return state

    @property
    def now(self) -> datetime:
        return _instant(self.state()["now"])

    @property
    def mode(self) -> str:
        return str(self.state()["mode"])

    def advance(self, *, days: float = 0, hours: float = 0, minutes: float = 0,
                seconds: float = 0) -> datetime:
        """Move time forward; every due event fires at its own instant. Returns the new now."""
        step = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        body = _answer(self._http.post("/_sim/clock/advance",
                                       json={"seconds": step.total_seconds()}))
        return _instant(body["now"])

    def set(self, instant: datetime) -> datetime:
        """Jump to ``instant`` (never backwards)."""
        body = _answer(self._http.put("/_sim/clock", json={"now": instant.isoformat()}))
        return _instant(body["now"])

    def freeze(self) -> None:
        _answer(self._http.post("/_sim/clock/freeze"))

    def resume(self) -> None:
        _answer(self._http.post("/_sim/clock/resume"))


class _Feature:
    """A control-plane feature that may be missing on the server (probed once)."""

    path = ""

    def __init__(self, http: httpx.Client) -> None:
        self._http = http
        self._present: bool | None = None

    @property
    def available(self) -> bool:
        if self._present is None:
            self._present = self._http.get(self.path).status_code != 404
        return self._present

    def _require(self) -> None:
        if not self.available:
            raise FeatureUnavailable(f"this ticketsim has no {self.path} (GET answers 404)")


class Faults(_Feature):
    """Fault rules (``/_sim/faults``): make the next calls fail, slow down or drop."""

    path = "/_sim/faults"

    def add(self, action: Mapping[str, Any], *, match: Mapping[str, Any] | None = None,
            probability: float | None = None, count: int | None = None,
            seed: int | None = None, **extra: Any) -> Json:
        """Add a rule; returns it as the simulator stored it (with its id)."""
        self._require()
        rule = {"action": dict(action), **extra}
        for name, value in (("match", match), ("probability", probability), ("count", count),
                            ("seed", seed)):
            if value is not None:
                rule[name] = dict(value) if isinstance(value, Mapping) else value
        added: Json = _answer(self._http.post(self.path, json=rule), 200, 201)
        return added

    def fail(self, operation_id: str, status: int, *, count: int | None = 1) -> Json:
        """Answer ``status`` to the next ``count`` calls of ``operation_id`` (None: all)."""
        return self.add({"status": status}, match={"operationId": operation_id}, count=count)

    def list(self) -> list[Json]:
        self._require()
        return _items(_answer(self._http.get(self.path)), "rules", "faults", "items")

    def remove(self, rule_id: str | int) -> None:
        self._require()
        _answer(self._http.delete(f"{self.path}/{rule_id}"), 200, 204)

    def clear(self) -> None:
        self._require()
        _answer(self._http.delete(self.path), 200, 204)


class Journal(_Feature):
    """The request journal (``/_sim/journal``), newest entry first."""

    path = "/_sim/journal"

    def entries(self, **filters: Any) -> list[Json]:
        """Entries matching ``filters`` (method, path, operationId, status, since...)."""
        self._require()
        return _items(_answer(self._http.get(self.path, params=filters)), "entries")

    def verify(self, match: Mapping[str, Any], count: int | Mapping[str, int]) -> Json:
        """Whether ``count`` requests matched ``match``, with near-misses when not."""
        self._require()
        verdict: Json = _answer(self._http.post(f"{self.path}/verify",
                                                json={"match": dict(match), "count": count}))
        return verdict

    def clear(self) -> None:
        self._require()
        _answer(self._http.delete(self.path), 200, 204)


class Deliveries(_Feature):
    """Outbound deliveries (``/_sim/deliveries``): webhooks and marketplace callbacks."""

    path = "/_sim/deliveries"

    def list(self, **filters: Any) -> list[Json]:
        self._require()
        return _items(_answer(self._http.get(self.path, params=filters)),
                      "deliveries", "entries", "items")

    def wait(self, **filters: Any) -> Items:
        """Long-poll until a delivery matching ``filters`` (kind, marketplace, order_id,
        user_id, timeout in real seconds) has succeeded; returns the matching deliveries.
        ``settled=True`` waits instead until none is being sent or due at the simulated
        now, whatever their outcome. Nothing before the timeout: :class:`ControlError` (408).
        """
        self._require()
        return _items(_answer(self._http.get(f"{self.path}/wait", params=filters)),
                      "deliveries")


class Ticketsim:
    """A running simulator, as a test sees it (see the module docstring)."""

    def __init__(self, url: str, keys: Keys, *, control_token: str | None = None,
                 local_log: RequestRecorder | None = None) -> None:
        self.url = url.rstrip("/")
        self.keys = keys
        headers = {"authorization": f"Bearer {control_token}"} if control_token else {}
        self.http = httpx.Client(base_url=self.url, headers=headers, timeout=HTTP_TIMEOUT)
        self.clock = Clock(self.http)
        self._faults = Faults(self.http)
        self._journal = Journal(self.http)
        self._deliveries = Deliveries(self.http)
        self._local_log = local_log

    @property
    def faults(self) -> Faults:
        self._faults._require()
        return self._faults

    @property
    def journal(self) -> Journal:
        self._journal._require()
        return self._journal

    @property
    def deliveries(self) -> Deliveries:
        self._deliveries._require()
        return self._deliveries

    def has(self, feature: str) -> bool:
        """Whether the server offers ``faults``, ``journal`` or ``deliveries``."""
        found: _Feature = getattr(self, f"_{feature}")
        return found.available

    def reset(self) -> dict[str, int]:
        """Wipe all state and load the configured fixtures again (the clock keeps its time)."""
        counts: dict[str, int] = _answer(self.http.post("/_sim/reset"))["counts"]
        return counts

    def load_fixtures(self, document: Mapping[str, Any] | str | Path | None = None
                      ) -> dict[str, int]:
        """Replace all state by a fixtures document (a dict or a JSON file; None: default)."""
        if isinstance(document, str | Path):
            document = dict(json.loads(Path(document).read_text(encoding="utf-8")))
        response = (self.http.post("/_sim/fixtures") if document is None
                    else self.http.post("/_sim/fixtures", json=dict(document)))
        counts: dict[str, int] = _answer(response)["counts"]
        return counts

    def begin_test(self) -> None:
        """Forget the previous test's faults, journal and request log (state is reset apart)."""
        for feature in (self._faults, self._journal):
            if feature.available:
                feature.clear()
        if self._local_log is not None:
            self._local_log.clear()

    def journal_tail(self, count: int = 20) -> str:
        """The last ``count`` requests, oldest first, one line each (for failure reports)."""
        if self._journal.available:
            entries = list(reversed(self._journal.entries(limit=count)[:count]))
            lines = [_journal_line(entry) for entry in entries]
        elif self._local_log is not None:
            lines = [_entry_line(entry) for entry in self._local_log.tail(count)]
        else:
            return "(this ticketsim keeps no request journal)"
        return "\n".join(lines) or "(no requests)"

    def close(self) -> None:
        self.http.close()


def _entry_line(entry: RequestEntry) -> str:
    target = f"{entry.path}?{entry.query}" if entry.query else entry.path
    return (f"{entry.method} {target} -> {entry.shown_status} ({entry.latency_ms:.1f} ms) "
            f"{entry.operation_id or '-'}{' fault=' + entry.fault if entry.fault else ''}")


def _journal_line(entry: Mapping[str, Any]) -> str:
    operation = entry.get("operationId") or entry.get("operation_id") or "-"
    fault = entry.get("fault")
    return (f"{entry.get('method', '?')} {entry.get('path', '?')} -> "
            f"{shown_status(entry.get('status', '?'))} "
            f"{operation}{' fault=' + json.dumps(fault) if fault else ''}")
