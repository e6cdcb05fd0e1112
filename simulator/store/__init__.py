"""Relational state of the simulator (SQLAlchemy 2 Core; SQLite by default)."""

from simulator.store.db import Store

__all__ = ["Store"]
