"""The kiosk database's migrations, applied by sqlite-utils in order.

Imported only when kiosk.db needs one (sync.outbox checks by name first): sqlite-utils is
a quarter of a slow tablet's start. Never change a migration that has shipped; add one,
and add its name to ``sync.outbox.MIGRATION_NAMES``.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from ces.keys import REJECTED_REPORTED
from sync.outbox import _CONTENT_COLUMNS, MIGRATION_SET

migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_responses(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE responses (
            id TEXT PRIMARY KEY NOT NULL,
            seq INTEGER NOT NULL UNIQUE,
            kiosk_id TEXT NOT NULL,
            store_id TEXT,
            touchpoint TEXT,
            survey_id TEXT NOT NULL,
            survey_version INTEGER NOT NULL,
            locale TEXT NOT NULL,
            scale TEXT NOT NULL,
            score INTEGER NOT NULL,
            factor TEXT,
            comment TEXT,
            outcome TEXT CHECK (outcome IS NULL OR outcome IN ('completed', 'timeout')),
            flags TEXT NOT NULL DEFAULT '[]',
            started_at TEXT NOT NULL,
            answered_at TEXT NOT NULL,
            finished_at TEXT,
            synced_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX responses_unsynced ON responses (synced_at, seq)")
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _CONTENT_COLUMNS)
    db.execute(
        f"""
        CREATE TRIGGER responses_final_rows_are_immutable
        BEFORE UPDATE ON responses
        WHEN OLD.outcome IS NOT NULL AND ({changed})
        BEGIN SELECT RAISE(ABORT, 'a finished answer cannot be changed'); END
        """
    )
    db.execute(
        """
        CREATE TRIGGER responses_only_synced_rows_are_deleted
        BEFORE DELETE ON responses
        WHEN OLD.synced_at IS NULL
        BEGIN SELECT RAISE(ABORT, 'an answer HQ does not have yet cannot be deleted'); END
        """
    )
    db.execute("CREATE TABLE kiosk_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")


@migrations()
def m002_sync_state(db: Database) -> None:
    # An answer HQ refused is kept aside, with the reason, and never sent again.
    db.execute("ALTER TABLE responses ADD COLUMN rejected_at TEXT")
    db.execute("ALTER TABLE responses ADD COLUMN reject_reason TEXT")
    db.execute(
        "CREATE INDEX responses_sendable ON responses (seq) "
        "WHERE synced_at IS NULL AND rejected_at IS NULL AND outcome IS NOT NULL"
    )
    db.execute(
        "CREATE INDEX responses_synced_at ON responses (synced_at) WHERE synced_at IS NOT NULL"
    )


@migrations()
def m003_rejected_retention(db: Database) -> None:
    # A rejected answer may go too, but only once a heartbeat HQ acknowledged reported it
    # (kiosk_meta REJECTED_REPORTED); the age rule is the worker's. Unsent answers never go.
    db.execute("DROP TRIGGER responses_only_synced_rows_are_deleted")
    db.execute(
        f"""
        CREATE TRIGGER responses_only_answers_hq_knows_are_deleted
        BEFORE DELETE ON responses
        WHEN OLD.synced_at IS NULL AND (
            OLD.rejected_at IS NULL
            OR OLD.rejected_at > coalesce(
                (SELECT value FROM kiosk_meta WHERE key = '{REJECTED_REPORTED}'), ''
            )
        )
        BEGIN SELECT RAISE(ABORT, 'an answer HQ does not have yet cannot be deleted'); END
        """
    )
    db.execute(
        "CREATE INDEX responses_rejected_at ON responses (rejected_at) "
        "WHERE rejected_at IS NOT NULL"
    )


def apply_migrations(conn: sqlite3.Connection) -> None:
    migrations.apply(Database(conn))
