"""The HTTP sender against a real local server: keep-alive, framing, interim and odd answers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from patron.config import Settings
from patron.webhooks.models import WebhookType
from patron.webhooks.senders.base import Answer, Job
from patron.webhooks.senders.http import MAX_BODY_BYTES, HttpSender

OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"


@dataclass
class Server:
    """A local HTTP server answering each request with the next scripted bytes."""

    answers: list[bytes]
    close_after: bool = False
    connections: int = 0
    requests: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                body = await reader.readexactly(length)
                self.requests.append((head, body))
                writer.write(self.answers.pop(0) if self.answers else OK)
                await writer.drain()
                if self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()


def job(url: str, headers: dict[str, str] | None = None) -> Job:
    return Job(
        delivery_id=1,
        attempt_id=1,
        webhook_id=1,
        org_id=1,
        event_id="evt",
        kind=WebhookType.HTTP,
        url=url,
        method="POST",
        headers=headers or {"content-type": "application/json", "webhook-id": "evt"},
        body=b'{"eventId": "evt"}',
        allow_private=True,
    )


def serve(
    server: Server, scenario: Callable[[HttpSender, str], Awaitable[list[Answer]]]
) -> list[Answer]:
    async def main() -> list[Answer]:
        listening = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        port = listening.sockets[0].getsockname()[1]
        sender = HttpSender(Settings(webhook_timeout_seconds=2))
        try:
            return await scenario(sender, f"http://127.0.0.1:{port}/hook?a=1")
        finally:
            await sender.aclose()
            listening.close()

    return asyncio.run(main())


def test_requests_reuse_one_keep_alive_connection() -> None:
    server = Server([])

    async def scenario(sender: HttpSender, url: str) -> list[Answer]:
        return [await sender.send(job(url)) for _ in range(20)]

    answers = serve(server, scenario)
    assert [a.status_code for a in answers] == [200] * 20
    assert server.connections == 1
    head, body = server.requests[0]
    assert head.startswith(b"POST /hook?a=1 HTTP/1.1\r\n")
    assert b"\r\nwebhook-id: evt\r\n" in head
    assert body == b'{"eventId": "evt"}'


def test_concurrent_requests_open_one_connection_each_and_keep_them() -> None:
    server = Server([])

    async def scenario(sender: HttpSender, url: str) -> list[Answer]:
        answers: list[Answer] = []
        for _ in range(3):
            answers += await asyncio.gather(*(sender.send(job(url)) for _ in range(4)))
        return answers

    assert [a.status_code for a in serve(server, scenario)] == [200] * 12
    assert server.connections == 4


def test_a_chunked_error_answer_carries_its_retry_after() -> None:
    chunked = (
        b"HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n"
        b"Retry-After: 7\r\n\r\n4\r\nbusy\r\n0\r\n\r\n"
    )
    server = Server([chunked])

    async def scenario(sender: HttpSender, url: str) -> list[Answer]:
        return [await sender.send(job(url)), await sender.send(job(url))]

    busy, ok = serve(server, scenario)
    assert (busy.status_code, busy.error, busy.retry_after) == (503, "HTTP 503", 7.0)
    assert ok.status_code == 200
    assert server.connections == 1


def test_an_answer_ended_by_closing_the_connection_is_read_and_not_reused() -> None:
    server = Server([b"HTTP/1.0 200 OK\r\n\r\nbye", b"HTTP/1.0 201 Created\r\n\r\n"], True)

    async def scenario(sender: HttpSender, url: str) -> list[Answer]:
        return [await sender.send(job(url)), await sender.send(job(url))]

    assert [a.status_code for a in serve(server, scenario)] == [200, 201]
    assert server.connections == 2


def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    server = Server([b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"], close_after=True)

    async def scenario(sender: HttpSender, url: str) -> list[Answer]:
        first = await sender.send(job(url))
        await asyncio.sleep(0.05)  # the server's FIN arrives while the connection is idle
        return [first, await sender.send(job(url))]

    assert [a.status_code for a in serve(server, scenario)] == [200, 200]
    assert server.connections == 2


def test_an_interim_answer_is_skipped() -> None:
    server = Server([b"HTTP/1.1 100 Continue\r\n\r\n" + OK])

    async def scenario(sender: HttpSender, url: str) -> list[Answer]:
        return [await sender.send(job(url)), await sender.send(job(url))]

    assert [a.status_code for a in serve(server, scenario)] == [200, 200]
    assert server.connections == 1


def test_a_huge_answer_body_is_not_read_to_the_end() -> None:
    size = MAX_BODY_BYTES * 4
    huge = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % size + b"x" * size
    server = Server([huge])

    async def scenario(sender: HttpSender, url: str) -> list[Answer]:
        return [await sender.send(job(url)), await sender.send(job(url))]

    assert [a.status_code for a in serve(server, scenario)] == [200, 200]
    assert server.connections == 2


def test_a_redirect_is_reported_not_followed() -> None:
    server = Server([b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\ncontent-length: 0\r\n\r\n"])

    async def scenario(sender: HttpSender, url: str) -> list[Answer]:
        return [await sender.send(job(url))]

    [answer] = serve(server, scenario)
    assert answer.status_code == 302
    assert answer.error == "HTTP 302: redirect to '/elsewhere' not followed"
    assert len(server.requests) == 1


def test_an_answer_that_is_not_http_is_an_error() -> None:
    server = Server([b"SSH-2.0-OpenSSH_9.6\r\n\r\n"])

    async def scenario(sender: HttpSender, url: str) -> list[Answer]:
        return [await sender.send(job(url)), await sender.send(job(url))]

    broken, ok = serve(server, scenario)
    assert broken.status_code is None
    assert broken.error is not None
    assert ok.status_code == 200


def test_a_static_host_header_replaces_the_url_host() -> None:
    server = Server([])

    async def scenario(sender: HttpSender, url: str) -> list[Answer]:
        return [await sender.send(job(url, {"Host": "crm.example.com", "webhook-id": "evt"}))]

    [answer] = serve(server, scenario)
    assert answer.status_code == 200
    head = server.requests[0][0].lower()
    assert head.count(b"\r\nhost:") == 1
    assert b"\r\nhost: crm.example.com\r\n" in head


def test_a_refused_connection_is_an_error() -> None:
    async def scenario() -> Answer:
        listening = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = listening.sockets[0].getsockname()[1]
        listening.close()
        await listening.wait_closed()
        sender = HttpSender(Settings(webhook_timeout_seconds=2))
        try:
            return await sender.send(job(f"http://127.0.0.1:{port}/"))
        finally:
            await sender.aclose()

    answer = asyncio.run(scenario())
    assert answer.status_code is None
    assert answer.error is not None
    assert "ConnectionRefusedError" in answer.error
