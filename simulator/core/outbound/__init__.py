"""Outbound HTTP: fetching inputs (and, later, webhooks and marketplace callbacks)."""
