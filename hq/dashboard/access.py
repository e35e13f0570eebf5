"""What sets dashboard pages apart: those only admins use (hq.roles: the navigation hides
them from others, and their routes refuse others with 403, hq.dashboard.deps.ADMIN_ONLY),
and those that show no filtered answers (no filter form, nothing said of what is counted)."""

from __future__ import annotations

ADMIN_PAGES = frozenset({"journeys", "surveys", "users", "audit"})
UNFILTERED_PAGES = frozenset(
    {"fleet", "actions", "journeys", "surveys", "users", "audit", "stores"}
)
