"""The keys every default fixtures document carries (printed by ``ticketsim serve``).

Plain constants in a module that imports nothing, so that clients of a
running simulator (the conformance suite against ``--base-url``, the test
plugin) can name them without loading SQLAlchemy or the store.
"""

__all__ = ["DEFAULT_BROKER_KEY", "DEFAULT_BROKER_USER_ID", "DEFAULT_MARKETPLACE_KEY"]

DEFAULT_BROKER_KEY = "sim-broker-key"
DEFAULT_MARKETPLACE_KEY = "sim-marketplace-key"
DEFAULT_BROKER_USER_ID = 8060
