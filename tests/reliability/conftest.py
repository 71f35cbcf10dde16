"""Fixtures of the reliability tests."""

from tests.webhooks.support import hooks, local_api, receiver, start_dispatcher

__all__ = ["hooks", "local_api", "receiver", "start_dispatcher"]
