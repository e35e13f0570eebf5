"""Keeps the kiosk database's write-ahead log short, off the UI thread."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from sync.outbox import Outbox, OutboxError

log = logging.getLogger("effortless.checkpoint")

DEFAULT_INTERVAL_S = 60.0


class Checkpointer:
    """A background thread with its own connection that checkpoints the WAL.

    The kiosk asks for a checkpoint when a shopper has finished (``request``), so the
    copy and its fsync happen while nobody is tapping; a timer covers quiet kiosks.
    """

    def __init__(self, data_dir: Path, interval_s: float = DEFAULT_INTERVAL_S) -> None:
        self._data_dir = data_dir
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="effortless-checkpoint", daemon=True)
        self.checkpoints = 0

    def start(self) -> None:
        self._thread.start()

    def request(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        try:
            outbox = Outbox.attach(self._data_dir)
        except (sqlite3.Error, OSError, OutboxError) as exc:
            log.error("checkpointing disabled: %s", exc)
            return
        try:
            while not self._stop.is_set():
                self._wake.wait(self._interval_s)
                self._wake.clear()
                self._checkpoint(outbox)
        finally:
            outbox.close()

    def _checkpoint(self, outbox: Outbox) -> None:
        try:
            frames, copied = outbox.checkpoint()
        except sqlite3.Error as exc:
            log.warning("checkpoint failed: %s", exc)
            return
        self.checkpoints += 1
        if frames:
            log.debug("checkpoint: %d of %d WAL frames copied", copied, frames)
