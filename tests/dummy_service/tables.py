from sqlalchemy import Column, DateTime, String, Table

from simulator.core.store import metadata

pings = Table("dummy_pings", metadata, Column("name", String, primary_key=True),
              Column("due", DateTime, nullable=True), Column("fired", DateTime, nullable=True))
