"""What `ces-hq serve` allows its clients: timeouts and a connection limit that fits the
process's open-file limit. Standard library only, so the command line can read the
defaults without importing the server (hq.server applies them)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

try:
    import resource
except ImportError:  # Windows: the limits below fall back to fixed numbers
    resource = None  # type: ignore[assignment]

log = logging.getLogger("effortless.hq.server")

DEFAULT_HEADER_TIMEOUT_S = 10.0
# Between two pieces of a body, not for the whole body: a kiosk on a slow line still gets
# its 1 MiB batch through.
DEFAULT_BODY_TIMEOUT_S = 30.0
# uvicorn's default: how long an idle keep-alive connection is kept.
DEFAULT_KEEP_ALIVE_S = 5
RETRY_AFTER_S = 5
LOG_INTERVAL_S = 10.0
# Files the process needs besides client connections: the standard streams, the listening
# socket, SQLite's database, journal and shared-memory files per pooled connection (or
# PostgreSQL sockets), survey files, logs.
FILE_RESERVE = 64
# The listen queue. asyncio accepts up to this many in one go, before any of them is looked
# at, and the connections closed to make room for them give back their files only on the
# next turn of the event loop: twice this can be open for a moment beyond the hard cap.
ACCEPT_BACKLOG = 128
# Where the open-file limit cannot be read.
FALLBACK_MAX_CONNECTIONS = 1000


@dataclass(frozen=True)
class ServerSettings:
    max_connections: int
    header_timeout: float = DEFAULT_HEADER_TIMEOUT_S
    body_timeout: float = DEFAULT_BODY_TIMEOUT_S
    keep_alive: int = DEFAULT_KEEP_ALIVE_S
    backlog: int = ACCEPT_BACKLOG
    retry_after: int = RETRY_AFTER_S
    log_interval: float = LOG_INTERVAL_S

    @property
    def hard_cap(self) -> int:
        """Connections beyond this are closed at once, without an answer."""
        return self.max_connections + max(8, self.max_connections // 8)


def file_limit() -> int | None:
    """The soft open-file limit (None: unlimited or unknown)."""
    if resource is None:
        return None
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return None if soft == resource.RLIM_INFINITY else int(soft)


def raise_file_limit() -> int | None:
    """Raise the soft open-file limit to the hard one where allowed; the soft limit now."""
    if resource is None:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # Linux refuses "unlimited" for open files; its usual ceiling is 2**20.
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as e:
            log.info("could not raise the open-file limit from %d to %d: %s", soft, target, e)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def default_max_connections(files: int | None) -> int:
    """Connections to serve so that the hard cap, a burst of accepts beyond it and the
    files HQ needs itself stay within the open-file limit."""
    if files is None:
        return FALLBACK_MAX_CONNECTIONS
    return max(8, (files - FILE_RESERVE - 2 * ACCEPT_BACKLOG) * 8 // 9)


def fits_file_limit(settings: ServerSettings, files: int | None) -> bool:
    return files is None or settings.hard_cap + 2 * settings.backlog + FILE_RESERVE <= files
