"""Which dashboard pages only admins use (hq.roles): the navigation hides them from others,
and their routes refuse others with 403 (hq.dashboard.deps.ADMIN_ONLY)."""

from __future__ import annotations

ADMIN_PAGES = frozenset({"journeys", "surveys", "users", "audit"})
