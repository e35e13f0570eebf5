"""The kiosk's settings: enrolment, PIN, placement and language, in ``settings.json``.

They live apart from the answers (kiosk.db), so a damaged answers database neither
unlocks the kiosk nor makes it forget its enrolment. Every change is one atomic write: a
temporary file in the same folder, fsync, rename over the old one, fsync of the folder.
A file that cannot be read is never replaced silently: ``SettingsDamaged`` says so, and
only an explicit new enrolment (``replace_damaged``) puts a new file in its place.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ces.durable import fsync_dir
from ces.keys import KIOSK_ID
from ces.keys import SETTINGS_KEYS as KEYS

log = logging.getLogger("effortless.settings")

SETTINGS_FILENAME = "settings.json"
_LOCK_FILENAME = ".settings.lock"
_DB_FILENAME = "kiosk.db"  # sync.outbox.DB_FILENAME; not imported, outbox imports this


class SettingsDamaged(RuntimeError):
    """settings.json exists but cannot be read; the message says why in plain words."""


_LOCKS: dict[str, threading.Lock] = {}
# The settings files this thread holds the write lock of.
_HELD = threading.local()
_LOCKS_GUARD = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(str(path.resolve()), threading.Lock())


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        # Only this user may read it: it holds the HQ token and the PIN's hash.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


class Settings:
    """The settings file of one data dir. Reads go to the file each time, so another
    process (``ces-kiosk enroll`` while the kiosk runs) is seen at once."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / SETTINGS_FILENAME
        self._lock = _thread_lock(self.path)

    @classmethod
    def open(cls, data_dir: Path) -> Settings:
        """The settings of a data dir, taken over from an older kiosk.db the first time."""
        settings = cls(data_dir)
        settings.load()
        return settings

    # -- reading ----------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> dict[str, str]:
        """Everything, or {} without a file; raises SettingsDamaged if it cannot be read."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return self._migrated()
        except OSError as exc:
            raise SettingsDamaged(f"{self.path} cannot be read: {exc.strerror or exc}") from exc
        try:
            values = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise SettingsDamaged(f"{self.path} is damaged (not valid JSON)") from exc
        if not isinstance(values, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in values.items()
        ):
            raise SettingsDamaged(f"{self.path} is damaged (not a map of texts)")
        return values

    def damage(self) -> str | None:
        """Why the file cannot be used, or None if it can (or is simply not there)."""
        try:
            self.load()
        except SettingsDamaged as exc:
            return str(exc)
        return None

    def get(self, key: str) -> str | None:
        return self.load().get(key)

    # The names the PIN guard and older callers know (kiosk.flow.pin.MetaStore).
    def meta(self, key: str) -> str | None:
        return self.get(key)

    def kiosk_id(self) -> str:
        """This device's id, made once and kept (enrolment with HQ may replace it)."""
        with self._locked():
            values = self.load()
            if values.get(KIOSK_ID):
                return values[KIOSK_ID]
            values[KIOSK_ID] = str(uuid.uuid4())
            self._write(values)
            return values[KIOSK_ID]

    # -- writing ----------------------------------------------------------------------

    def update(self, changes: Mapping[str, str | None]) -> None:
        """Set (or, with None, remove) several keys in one atomic write."""
        unknown = set(changes) - KEYS
        if unknown:
            raise ValueError(f"not a kiosk setting: {', '.join(sorted(unknown))}")
        with self._locked():
            values = self.load()
            for key, value in changes.items():
                if value is None:
                    values.pop(key, None)
                else:
                    values[key] = value
            self._write(values)

    def used_before(self) -> bool:
        return set_up_before(self.data_dir)

    def set_meta(self, key: str, value: str) -> None:
        self.update({key: value})

    def replace_damaged(self, now: datetime | None = None) -> Path | None:
        """Move a damaged file aside (kept for inspection) so a new enrolment can start
        afresh; returns where it went. Only a new enrolment calls this."""
        with self._locked():
            if self.damage() is None or not self.path.exists():
                return None
            stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            target = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
            n = 1
            while target.exists():
                n += 1
                target = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{n}")
            os.replace(self.path, target)
            fsync_dir(self.data_dir)
            log.warning("damaged settings file moved aside to %s", target.name)
            return target

    def _write(self, values: Mapping[str, str]) -> None:
        data = json.dumps(dict(sorted(values.items())), indent=1).encode("utf-8")
        write_atomically(self.path, data)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time, in this process and across processes."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        held: set[str] = _HELD.__dict__.setdefault("paths", set())
        key = str(self.path)
        if key in held:  # taking over from kiosk.db while already writing
            yield
            return
        with self._lock, open(self.data_dir / _LOCK_FILENAME, "a+b") as lock_file:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
            held.add(key)
            try:
                yield
            finally:
                held.discard(key)
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)

    # -- taking over from kiosk.db ----------------------------------------------------

    def _migrated(self) -> dict[str, str]:
        """Without a settings file: the settings an earlier release kept in kiosk.db (or
        in a database moved aside as corrupt), copied into a settings file once."""
        for source in _databases(self.data_dir):
            found = read_old_settings(source)
            if not found:
                continue
            try:
                with self._locked():
                    if self.path.exists():
                        return self.load()
                    self._write(found)
            except OSError as exc:
                # Read-only or full for now: use them, and copy them on a later start.
                log.warning("settings found in %s not copied yet: %s", source.name, exc)
                return found
            log.info("settings taken over from %s into %s", source.name, self.path.name)
            return found
        return {}


def _databases(data_dir: Path) -> list[Path]:
    """kiosk.db, then databases moved aside, newest first."""
    found = [data_dir / _DB_FILENAME] if (data_dir / _DB_FILENAME).is_file() else []
    aside = [
        p
        for p in data_dir.glob(f"{_DB_FILENAME}.corrupt-*")
        if not p.name.endswith(("-wal", "-shm"))
    ]
    return found + sorted(aside, key=lambda p: p.name, reverse=True)


def read_old_settings(path: Path) -> dict[str, str]:
    """The settings keys of a kiosk.db's kiosk_meta; {} if none can be read."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
            rows = conn.execute("SELECT key, value FROM kiosk_meta").fetchall()
    except sqlite3.Error:
        return {}
    return {str(k): str(v) for k, v in rows if isinstance(k, str) and k in KEYS and v is not None}


def set_up_before(data_dir: Path) -> bool:
    """Whether this data dir shows that the kiosk was in use before: a settings file that
    cannot be read, a database moved aside, answers in kiosk.db, or HQ's config. A kiosk
    with such evidence but no PIN must not offer the open first-run setup. (A file that
    is there but empty of the PIN is no evidence: ``ces-kiosk enroll`` makes one.)"""
    if Settings(data_dir).damage() is not None:
        return True
    if any(p != data_dir / _DB_FILENAME for p in _databases(data_dir)):
        return True
    if (data_dir / "hq_config.json").exists():
        return True
    db = data_dir / _DB_FILENAME
    if not db.is_file():
        return False
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
            return conn.execute("SELECT 1 FROM responses LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        # A database that cannot even be read was certainly used.
        return True
