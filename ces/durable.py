"""Making a rename survive a power cut, for the kiosk's files and HQ's backups alike."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Flush ``folder``'s entries: a file renamed into it is there after a crash, not only
    its contents."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
