"""The ASGI entry point servers import (``patron.asgi:app``); settings come from the environment."""

from __future__ import annotations

from patron.app import create_app
from patron.config import Settings
from patron.logs import configure_logging

settings = Settings()
configure_logging(settings.log_level, json=settings.log_json)
app = create_app(settings)
