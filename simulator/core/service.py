"""What a service is: :class:`ServiceDef`, the one declaration the registry lists.

A service is one folder ``simulator/services/<name>/`` whose ``__init__.py``
declares ``SERVICE = ServiceDef(...)``. Everything that must know every
service (the app, the runtime, the store, fixtures, ``serve``'s printout,
the conformance suite) iterates :data:`simulator.services.SERVICES`.

The declaration itself is light: parts are named as ``"module:ATTRIBUTE"``
relative to the service's package and imported only when asked for, so the
conformance suite can read names, specs and base paths without importing
Connexion, SQLAlchemy or the store.

Parts a service may declare (each optional):

- ``api``: the module whose functions handle the spec's operationIds;
- ``tables``: the module defining its tables on :data:`simulator.core.store.metadata`;
- ``timers``: a tuple of :class:`~simulator.core.timers.Timer`;
- ``fixtures``: a module with ``SECTIONS`` (document keys it owns),
  ``generate(ctx)`` and ``load(conn, document)``;
- ``runtime``: a factory ``f(simulator) -> ServiceRuntime`` for workers,
  long-poll boards and other process state, with ``reset()`` and ``close()``;
- ``settings``: a dataclass type whose defaults are the service's settings
  (overridable per instance through ``SimConfig.settings[name]``);
- ``page``: a tuple of panel sources ``f(conn, now) -> simulator.web.panels.Panel``
  that the live state page at ``/`` shows for this service (without one, the
  page shows its tables that have a ``status`` column).
- ``contract``: a spec in ``openapi/`` the service *calls* but never serves
  (``marketplace-callbacks.yaml``: what a marketplace implements). Nothing
  mounts or fuzzes it as a served API; readers list it from here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["Mount", "ServiceDef", "ServiceRuntime"]


class ServiceRuntime(Protocol):
    """Process state of one service (workers, boards); see ``ServiceDef.runtime``."""

    def reset(self) -> None:
        """Forget process state after the store was wiped or reloaded."""

    def close(self) -> None:
        """Stop workers and release resources."""


@dataclass(frozen=True, slots=True)
class Mount:
    """One spec served at one base path.

    ``api`` names the handler module when it is not the service's own
    ``api`` (a service's control-plane extension, e.g. ``openapi/control-inventory.yaml``
    at ``/_sim/primary-accounts`` handled by ``control_api``).
    """

    spec: str
    base_path: str
    api: str | None = None

    @property
    def is_control_plane(self) -> bool:
        """Mounted under ``/_sim``: for test authors, absent from a real deployment."""
        return self.base_path == "/_sim" or self.base_path.startswith("/_sim/")


@dataclass(frozen=True, slots=True)
class ServiceDef:
    """One service: its contract, where it is served, and its parts (see module doc)."""

    name: str
    package: str
    summary: str
    mounts: tuple[Mount, ...] = ()
    api: str | None = "api"
    tables: str | None = None
    timers: str | None = None
    fixtures: str | None = None
    runtime: str | None = None
    settings: str | None = None
    page: str | None = None
    #: A spec this service calls (implemented by others), never mounted.
    contract: str | None = None
    #: Part of the product API (fuzzed as such); False for the control plane.
    product: bool = True

    def api_module(self, mount: Mount) -> str:
        """Dotted path of the mount's handler module (operationIds resolve relative to it)."""
        return f"{self.package}.{mount.api or self.api}"

    def part(self, reference: str | None) -> Any:
        """Import ``"module:ATTRIBUTE"`` (or a bare ``"module"``) of this service."""
        if reference is None:
            return None
        module_name, _, attribute = reference.partition(":")
        module = importlib.import_module(f"{self.package}.{module_name}")
        return getattr(module, attribute) if attribute else module

    def load_tables(self) -> None:
        """Import the tables module, which registers the tables on the shared metadata."""
        self.part(self.tables)

    def timer_list(self) -> tuple[Any, ...]:
        found = self.part(self.timers)
        return tuple(found or ())

    def default_settings(self, overrides: dict[str, Any] | None = None) -> Any:
        """The settings dataclass with ``overrides`` applied, or None without settings."""
        kind = self.part(self.settings)
        if kind is None:
            return None
        return kind(**(overrides or {}))
