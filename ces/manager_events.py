"""What the kiosk tells HQ about its manager PIN pad, with the next heartbeat.

Kinds: the manager unlocked the manager screen, typed a wrong PIN, or left the kiosk
program. The kiosk keeps at most ``MAX_MANAGER_EVENTS`` (the newest) and HQ accepts at most
that many in one heartbeat.
"""

from __future__ import annotations

UNLOCK = "unlock"
PIN_FAILED = "pin_failed"
EXIT = "exit"
MANAGER_EVENT_KINDS = (UNLOCK, PIN_FAILED, EXIT)
MAX_MANAGER_EVENTS = 100
