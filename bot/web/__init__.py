"""The chat server: HTTP API, widget, admin report and metrics (FastAPI)."""
