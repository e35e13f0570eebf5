"""Which ces-hq process does the background work: retention and the scheduled jobs.

Several processes may serve one PostgreSQL database (`ces-hq serve --workers N`, or
several `ces-hq serve` behind a proxy). Exactly one of them, the leader, runs the
background work. The leader holds a PostgreSQL session advisory lock on a connection of its
own, outside the pool; the server drops the lock the moment that connection ends, so when
the leader dies (even by kill -9) or loses the database, another process takes the lead
at its next look, within ``interval`` seconds. The lock's key is the database's current
schema, so HQs in different schemas of one database each have a leader.

On SQLite one process serves the file (``--workers`` refuses more), so it always leads.

Jobs also claim each period in the database (hq.jobs), so even the moment two processes
both believe they lead (the old leader's connection broke and it has not looked yet) a
digest or an alert is never sent twice.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
import anyio.to_thread
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from hq.db.database import HQDatabase, describe_error

log = logging.getLogger("effortless.hq.leader")

# How often a process that does not lead tries to, and the leader checks it still does.
LEAD_INTERVAL_S = 5.0
# An arbitrary constant (as the schema set-up lock's): the first half of the lock's key.
LEAD_LOCK_CLASS = 0x45464C4C
# A leader whose database stops answering gives up the lead after about this long.
_CHECK_TIMEOUT_S = 5.0


class _Lock:
    """The advisory lock on a connection of its own (PostgreSQL)."""

    def __init__(self, db: HQDatabase) -> None:
        self._engine: Engine = create_engine(
            db.url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={
                "connect_timeout": max(2, round(_CHECK_TIMEOUT_S)),
                # A server that stopped answering mid-way ends the connection, not the wait.
                "tcp_user_timeout": int(_CHECK_TIMEOUT_S * 1000),
            },
            hide_parameters=True,
        )
        self._conn: Connection | None = None

    def take(self) -> bool:
        """True if this process holds the lock now (it may have held it already)."""
        if self._conn is not None:
            return self.held()
        conn = self._engine.connect()
        try:
            # Not in connect_args' "options": that would replace the URL's (a search_path).
            conn.execute(text(f"SET statement_timeout = {int(_CHECK_TIMEOUT_S * 1000)}"))
            taken = conn.execute(
                text("SELECT pg_try_advisory_lock(:key, hashtext(current_schema()))"),
                {"key": LEAD_LOCK_CLASS},
            ).scalar_one()
        except BaseException:
            conn.close()
            raise
        if taken:
            self._conn = conn
            return True
        conn.close()
        return False

    def held(self) -> bool:
        """True while the lock's connection still answers (the server holds the lock for it)."""
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1")).scalar_one()
        except SQLAlchemyError:
            self.drop()
            return False
        return True

    def drop(self) -> None:
        """Give the lead up: ending the session releases the lock."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()
                conn.close()
            except SQLAlchemyError as exc:
                log.debug("closing the lead's connection: %s", describe_error(exc))

    def close(self) -> None:
        self.drop()
        self._engine.dispose()


async def lead(
    db: HQDatabase,
    work: Callable[[], Coroutine[Any, Any, Any]],
    *,
    interval: float = LEAD_INTERVAL_S,
) -> None:
    """Run ``work`` (until cancelled) while this process leads; until cancelled itself.

    ``work`` is cancelled when the lead is lost, and started again when it is taken back.
    """
    if db.is_sqlite:
        await work()
        return
    lock = _Lock(db)
    waiting_said = False
    try:
        while True:
            try:
                taken = await anyio.to_thread.run_sync(lock.take)
            except SQLAlchemyError as exc:
                log.warning("cannot ask for the lead: %s; trying again", describe_error(exc))
                taken = False
            if not taken:
                if not waiting_said:
                    log.info(
                        "another process runs the background work; this one (pid %d) stands by",
                        os.getpid(),
                    )
                    waiting_said = True
                await anyio.sleep(interval)
                continue
            waiting_said = False
            log.info(
                "this process (pid %d) now runs the background work (retention, alerts, digests)",
                os.getpid(),
            )
            async with anyio.create_task_group() as running:
                running.start_soon(work)
                while await _still_leads(lock, interval):
                    pass
                running.cancel_scope.cancel()
            log.warning(
                "lost the database connection that held the lead: background work stopped "
                "here; a process that reaches the database takes it over"
            )
            # Every other process looks within one interval: one of them leads next.
            await anyio.sleep(2 * interval)
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(lock.close)


async def _still_leads(lock: _Lock, interval: float) -> bool:
    await anyio.sleep(interval)
    return await anyio.to_thread.run_sync(lock.held)
