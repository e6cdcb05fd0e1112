"""One app per test module, reset to the default fixtures before each test."""

from tests.broadcast.helpers import app, shared_app

__all__ = ["app", "shared_app"]
