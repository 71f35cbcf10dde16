"""patron: an open-source loyalty customer platform."""

__version__ = "0.1.0"
