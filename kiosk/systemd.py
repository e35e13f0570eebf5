"""Talks to systemd when it runs the kiosk as a service (assets/systemd/); no Qt here.

systemd's notify protocol is one datagram per message on the unix socket named by
$NOTIFY_SOCKET, so no library is needed. Outside systemd (a developer's shell, Windows)
the variable is unset and every call here does nothing.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger("effortless.systemd")

NOTIFY_SOCKET = "NOTIFY_SOCKET"
WATCHDOG_USEC = "WATCHDOG_USEC"
WATCHDOG_PID = "WATCHDOG_PID"


def _address(value: str) -> str:
    # "@name" is a socket in the abstract namespace, which Python spells with a NUL byte.
    return "\0" + value[1:] if value.startswith("@") else value


def notify(message: str) -> bool:
    """Send ``message`` (e.g. "READY=1") to systemd; False when not run by systemd.

    A socket that is set but cannot be reached raises OSError: the caller decides
    whether that is worth a warning (the watchdog logs it once, not every ping).
    """
    address = os.environ.get(NOTIFY_SOCKET)
    if not address:
        return False
    if not address.startswith(("/", "@")):
        raise OSError(f"{NOTIFY_SOCKET}={address!r} is not a unix socket path")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
        sock.sendto(message.encode(), _address(address))
    return True


def watchdog_interval_s() -> float | None:
    """The service's WatchdogSec= in seconds, if systemd watches this very process."""
    value = os.environ.get(WATCHDOG_USEC)
    if not value:
        return None
    pid = os.environ.get(WATCHDOG_PID)
    # A child of the watched process inherits the variables but must not feed the watchdog
    # in its parent's name.
    if pid and pid != str(os.getpid()):
        return None
    try:
        usec = int(value)
    except ValueError:
        log.warning("ignoring %s=%r: not a number of microseconds", WATCHDOG_USEC, value)
        return None
    if usec <= 0:
        log.warning("ignoring %s=%r: not a positive number", WATCHDOG_USEC, value)
        return None
    return usec / 1_000_000
