"""The default seller's API key (``Authorization: Bearer``), in a module that imports
nothing, so that clients of a running simulator can name it without the store."""

__all__ = ["DEFAULT_SELLER_KEY"]

DEFAULT_SELLER_KEY = "sim-seller-key"
