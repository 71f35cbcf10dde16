"""A real HTTP receiver on 127.0.0.1 that misbehaves on request: fails, stalls, resets, redirects."""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """Answer with ``status`` (after ``delay`` seconds)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Stall:
    """Read the request, say nothing for ``seconds``, then hang up."""

    seconds: float


@dataclass(frozen=True)
class Reset:
    """Read the request and reset the connection (TCP RST, no answer)."""


Action = Reply | Stall | Reset


@dataclass
class Received:
    """One request as the receiver saw it, and what it did with it."""

    path: str
    method: str
    headers: dict[str, str]
    body: bytes
    at: float
    action: Action
    answered: int | None = None

    @property
    def payload(self) -> dict[str, Any]:
        """The JSON body."""
        data: dict[str, Any] = json.loads(self.body)
        return data

    @property
    def event_id(self) -> str:
        """The ``webhook-id`` header (the eventId)."""
        return self.headers["webhook-id"]


class Receiver:
    """A threaded HTTP server; each path follows its own script, then a default action."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str, deque[Action]] = defaultdict(deque)
        self._defaults: dict[str, Action] = {}
        self.received: list[Received] = []
        self.in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight: dict[str, int] = defaultdict(int)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        """The URL of ``path`` on this receiver."""
        return self.base_url + path

    def script(self, path: str, *actions: Action, then: Action | None = None) -> None:
        """Make ``path`` perform ``actions`` in order, then ``then`` (200 by default) forever."""
        with self._lock:
            self._scripts[path].extend(actions)
            if then is not None:
                self._defaults[path] = then

    def requests(self, path: str | None = None) -> list[Received]:
        """Return the requests received (on ``path``)."""
        with self._lock:
            return [r for r in self.received if path is None or r.path == path]

    def wait_for(
        self, predicate: Callable[[list[Received]], bool], timeout: float = 15.0
    ) -> list[Received]:
        """Wait until ``predicate(requests)`` holds; fail the test after ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.requests()
            if predicate(seen):
                return seen
            time.sleep(0.02)
        raise AssertionError(
            f"receiver condition not met in {timeout}s; saw {len(self.requests())}"
        )

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def _next_action(self, path: str) -> Action:
        with self._lock:
            queue = self._scripts[path]
            return queue.popleft() if queue else self._defaults.get(path, Reply())

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Stay quiet."""

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path
                action = receiver._next_action(path)
                record = Received(
                    path,
                    self.command,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    time.monotonic(),
                    action,
                )
                with receiver._lock:
                    receiver.received.append(record)
                    receiver.in_flight[path] += 1
                    receiver.max_in_flight[path] = max(
                        receiver.max_in_flight[path], receiver.in_flight[path]
                    )
                try:
                    self._perform(action, record)
                finally:
                    with receiver._lock:
                        receiver.in_flight[path] -= 1

            def _perform(self, action: Action, record: Received) -> None:
                if isinstance(action, Reset):
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.close_connection = True
                    self.connection.close()
                    return
                if isinstance(action, Stall):
                    time.sleep(action.seconds)
                    self.close_connection = True
                    return
                time.sleep(action.delay)
                payload = b'{"ok": true}'
                self.send_response(action.status)
                for name, value in action.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                self.wfile.flush()
                record.answered = action.status

            def finish(self) -> None:
                with contextlib.suppress(OSError):  # the connection was reset on purpose
                    super().finish()

            do_POST = do_PUT = do_PATCH = do_GET = _handle  # noqa: N815

        return Handler
