"""The dispatcher: fans events out, claims due deliveries, sends them, records every attempt.

Each cycle runs one short transaction: record the attempts that finished, fan out new events,
claim due deliveries under a lease. Each step is a few batched statements whatever the number
of deliveries. Payloads are rendered and signed after the commit and requests are sent outside
any transaction, on an event loop of their own (uvloop where it is installed). A cycle starts
as soon as an answer arrives and the previous cycle is done, so answers that arrive meanwhile
are recorded together. A worker that dies leaves leased deliveries behind; once the lease
lapses another worker claims them again and marks the lost attempts as of unknown outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping

import structlog
from sqlalchemy.exc import SQLAlchemyError

from patron.config import Settings
from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.webhooks.claims import Claim, claim_due, has_work, prepare_jobs
from patron.webhooks.fanout import fan_out
from patron.webhooks.models import Outcome, WebhookType
from patron.webhooks.outcomes import Result, Rules, outcome_of, record_results
from patron.webhooks.senders.base import Answer, Job, Sender
from patron.webhooks.senders.http import HttpSender
from patron.webhooks.senders.nats import NatsSender

log = structlog.get_logger("patron.webhooks")
SenderFactory = Callable[[Settings], Mapping[WebhookType, Sender]]
INTERRUPTED = "interrupted by a shutdown before the answer arrived"
# Right after a cycle that did something, look for more this soon, then twice as long after
# each cycle that found nothing to do, up to the poll interval: events committed one by one
# are picked up within milliseconds, while a worker that is idle, or whose webhooks are all at
# their connection cap with another worker, stops spending queries on looking.
ACTIVE_POLL_SECONDS = 0.005
# Another worker holds the claim lock of a webhook with due work: look again this soon.
CONTENDED_SECONDS = 0.002


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """Return uvloop's loop factory where it is installed (with uvicorn's extras), else None."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - installed wherever uvicorn[standard] is
        return None
    return uvloop.new_event_loop


def default_senders(settings: Settings) -> dict[WebhookType, Sender]:
    """Return the real senders: HTTP endpoints and NATS JetStream."""
    return {WebhookType.HTTP: HttpSender(settings), WebhookType.QUEUE: NatsSender(settings)}


def worker_name() -> str:
    """Return a name that identifies this worker in leases and the attempt log."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Dispatcher:
    """Delivers events at least once; run it in a thread (``start``) or blocking (``run``)."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        *,
        senders: SenderFactory = default_senders,
        name: str | None = None,
    ) -> None:
        self.settings = settings
        self.database = database
        self.name = name or worker_name()
        self.rules = Rules.from_settings(settings)
        self._make_senders = senders
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = threading.Event()
        self._wake: asyncio.Event | None = None
        self._results: list[Result] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = True
        self._quiet = 0  # cycles in a row that found nothing to do

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Run the dispatcher in a background thread."""
        self._thread = threading.Thread(target=self.run, name="patron-dispatcher", daemon=True)
        self._thread.start()

    @property
    def is_running(self) -> bool:
        """Tell whether the background thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def request_stop(self) -> None:
        """Ask the dispatcher to stop (safe from any thread and from a signal handler)."""
        self._stopping.set()
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed in between
                loop.call_soon_threadsafe(wake.set)

    def stop(self, timeout: float | None = None) -> None:
        """Stop and wait for the thread (in-flight requests get a grace period)."""
        self.request_stop()
        if self._thread is not None:
            grace = self.settings.dispatcher_shutdown_seconds + 5
            self._thread.join(timeout if timeout is not None else grace)

    def run(self) -> None:
        """Run until ``stop`` is called."""
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(self._main())

    # -- the loop ----------------------------------------------------------------------------

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        senders = self._make_senders(self.settings)
        log.info("dispatcher_started", worker=self.name)
        failures = 0
        try:
            while not self._stopping.is_set():
                try:
                    busy = await self._cycle(senders)
                    failures = 0
                except Exception as exc:  # the loop must outlive a database outage or a bug
                    failures += 1
                    if isinstance(exc, SQLAlchemyError):
                        log.error("dispatcher_database_error", error=str(exc).splitlines()[0])
                    else:
                        log.exception("dispatcher_error", error=repr(exc))
                    await self._sleep(
                        min(self.settings.dispatcher_poll_seconds * 2 ** min(failures, 8), 30),
                        until_answer=False,
                    )
                    continue
                if not busy:
                    await self._sleep(self._poll_seconds())
        finally:
            await self._drain()
            for sender in senders.values():
                await sender.aclose()
            log.info("dispatcher_stopped", worker=self.name)

    async def _cycle(self, senders: Mapping[WebhookType, Sender]) -> bool:
        """Record finished attempts and claim more in one short transaction, then send.

        Tell whether more work may be waiting.
        """
        room = min(
            self.settings.dispatcher_concurrency - len(self._tasks),
            self.settings.dispatcher_batch_size,
        )
        if room <= 0 and not self._results:
            return False
        batch, self._results = self._results, []
        try:
            jobs, contended = await asyncio.to_thread(self._step, batch, max(room, 0))
        except BaseException:
            self._results[:0] = batch  # recorded by a later cycle
            raise
        for job in jobs:
            task = asyncio.create_task(self._deliver(job, senders[job.kind]))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        if contended and not jobs:
            # Another worker is claiming for the same webhook; look again very soon.
            await self._sleep(self._poll_seconds(CONTENDED_SECONDS))
        # A full batch, or work another worker was claiming, means more may be due right away.
        return (room > 0 and len(jobs) == room) or contended or bool(self._results)

    def _poll_seconds(self, first: float = ACTIVE_POLL_SECONDS) -> float:
        return min(self.settings.dispatcher_poll_seconds, first * 2.0 ** min(self._quiet, 16))

    async def _sleep(self, seconds: float, *, until_answer: bool = True) -> None:
        """Wait ``seconds``, or less if a stop is asked for or (``until_answer``) an answer
        arrives or is already waiting to be recorded."""
        assert self._wake is not None
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set() and not (until_answer and self._results):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await self._wake.wait()
            self._wake.clear()
            if until_answer:
                return

    async def _record(self) -> None:
        if not self._results:
            return
        batch, self._results = self._results, []
        try:
            await asyncio.to_thread(self._step, batch, 0)
        except BaseException:
            self._results[:0] = batch
            raise

    async def _drain(self) -> None:
        """Give in-flight requests a grace period, cancel the rest, record what is known."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=self.settings.dispatcher_shutdown_seconds)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(set(self._tasks))
        for _ in range(3):
            try:
                await self._record()
                return
            except SQLAlchemyError as exc:
                log.error("dispatcher_database_error", error=str(exc).splitlines()[0])
                await asyncio.sleep(0.5)

    # -- one delivery ------------------------------------------------------------------------

    async def _deliver(self, job: Job, sender: Sender) -> None:
        started, t0 = clock.now(), time.perf_counter()
        outcome: Outcome | None = None
        try:
            if job.error is not None:
                answer = Answer(error=job.error[:500], final=True)
            else:
                async with asyncio.timeout(self.settings.webhook_timeout_seconds):
                    answer = await sender.send(job)
        except TimeoutError:
            answer = Answer(
                error=f"timeout: no answer within {self.settings.webhook_timeout_seconds}s"
            )
        except asyncio.CancelledError:
            answer, outcome = Answer(error=INTERRUPTED), Outcome.UNKNOWN
            raise
        except Exception as exc:  # a sender bug must not lose the delivery
            log.exception("sender_error", webhook_id=job.webhook_id, error=repr(exc))
            answer = Answer(error=f"{type(exc).__name__}: {exc}"[:500])
        finally:
            duration = int((time.perf_counter() - t0) * 1000)
            ended = started + dt.timedelta(milliseconds=duration)
            self._results.append(
                Result(job, answer, outcome or outcome_of(answer), started, ended, duration)
            )
            if self._wake is not None:
                self._wake.set()

    # -- database steps (run in a worker thread) -----------------------------------------------

    def _step(self, results: list[Result], limit: int) -> tuple[list[Job], bool]:
        """Record ``results``, fan out new events and claim up to ``limit`` deliveries.

        One transaction; the claimed deliveries are rendered and signed after it commits.
        """
        now = clock.now()
        if not results and (limit == 0 or self._idle):
            if limit == 0:
                return [], False
            # Idle polls only read: on SQLite a write transaction would hold up the API.
            with unit_of_work(self.database.read_session) as session:
                if not has_work(session, now):
                    self._quiet += 1
                    return [], False
        claims: list[Claim] = []
        contended = False
        with unit_of_work(self.database.write_session) as session:
            record_results(session, results, self.name, self.rules)
            if limit > 0:
                fan_out(session, now, self.settings.dispatcher_batch_size)
                claims, contended = claim_due(
                    session,
                    self.name,
                    now,
                    dt.timedelta(seconds=self.settings.webhook_lease_seconds),
                    limit,
                    allow_private=self.settings.webhook_allow_private_addresses,
                )
        if limit > 0:
            self._idle = not claims
        # Events fanned out to no webhook are not deliveries: they do not speed polling up.
        self._quiet = 0 if claims or results else self._quiet + 1
        return prepare_jobs(claims, now), contended


def run_worker(settings: Settings, database: Database) -> None:
    """Run a dispatcher in the foreground until SIGINT or SIGTERM."""
    dispatcher = Dispatcher(settings, database)

    def _stop(_signum: int, _frame: object) -> None:
        dispatcher.request_stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    dispatcher.run()
