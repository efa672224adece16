"""The HTTP server: ``create_app(desk)`` is a Starlette application that ``eventdesk serve``
runs on uvicorn. See docs/http.md."""

from eventdesk.http.app import create_app
from eventdesk.http.bodies import MAX_BODY

__all__ = ["MAX_BODY", "create_app"]
