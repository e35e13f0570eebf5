"""Protocol timestamps (UTC) as a store manager reads them: in the kiosk's local time."""

from __future__ import annotations

from datetime import UTC, datetime


def local_time(stamp: str | None, now: datetime) -> str | None:
    """``HH:MM`` for a moment of today (local), else ``YYYY-MM-DD HH:MM``; None stays None,
    and text that is no timestamp is shown as it is."""
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
