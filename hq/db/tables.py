"""HQ's database schema (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Bump SCHEMA_VERSION with every change to these tables and teach ``Store`` the upgrade.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
    text,
)

SCHEMA_VERSION = 3

# Every timestamp is UTC. PostgreSQL keeps it as timestamptz; SQLite as the canonical text
# of hq.moments (fixed width, so it sorts in time order), bound and read without any
# per-value conversion.
Timestamp = DateTime(timezone=True).with_variant(String(27), "sqlite")
# Ids travel as canonical UUID strings; PostgreSQL stores them as native uuid (16 bytes),
# SQLite as that text.
Id = Uuid(as_uuid=False).with_variant(String(36), "sqlite")
Sha256 = String(64)
Name = String(64)

metadata = MetaData()

# The partial index's condition, as queries must spell it for SQLite to use the index.
RAPID_CONDITION = """flags LIKE '%"rapid"%'"""

meta = Table(
    "hq_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

kiosks = Table(
    "kiosks",
    metadata,
    Column("id", Id, primary_key=True),
    Column("store", Name, nullable=False),
    Column("touchpoint", Name, nullable=False),
    Column("token_hash", Sha256, unique=True),
    Column("created_at", Timestamp, nullable=False),
    Column("enrolled_at", Timestamp),
    Column("revoked_at", Timestamp),
    Column("last_seen_at", Timestamp),
    # The latest heartbeat, as the kiosk reported it, and when it arrived (server time).
    Column("queue_depth", Integer),
    Column("oldest_unsent_at", Timestamp),
    Column("app_version", Name),
    Column("survey_id", Name),
    Column("survey_version", Integer),
    Column("kiosk_time", Timestamp),
    Column("last_sync_error", Text),
    Column("heartbeat_at", Timestamp),
    # Comments HQ had to scrub before storing them (schema 3): a kiosk that needs this runs
    # software older than HQ's scrubber, or is not a kiosk of ours.
    Column("redacted_comments", Integer, nullable=False, server_default=text("0")),
    # Answers HQ rejected that the kiosk keeps aside, as its latest heartbeat said (schema 3).
    Column("rejected_answers", Integer, nullable=False, server_default=text("0")),
    # The newest answered_at of this kiosk's stored answers (schema 3): the fleet page's
    # "last answer" without a scan of the answers. Kept by HQDatabase.ingest and
    # delete_answers in the transactions that change the answers.
    Column("last_answer_at", Timestamp),
)

# Unlocks, failed PINs and refused configs, as kiosks report them with their heartbeats.
kiosk_events = Table(
    "kiosk_events",
    metadata,
    Column("kiosk_id", Id, ForeignKey("kiosks.id"), nullable=False, index=True),
    Column("kind", Name, nullable=False),
    Column("at", Timestamp, nullable=False),
    Column("detail", Text),
    Column("received_at", Timestamp, nullable=False),
)

enrolment_codes = Table(
    "enrolment_codes",
    metadata,
    Column("code_hash", Sha256, primary_key=True),
    Column("kiosk_id", Id, ForeignKey("kiosks.id"), nullable=False, index=True),
    Column("created_at", Timestamp, nullable=False),
    Column("expires_at", Timestamp, nullable=False),
    Column("used_at", Timestamp),
)

responses = Table(
    "responses",
    metadata,
    Column("id", Id, primary_key=True),
    Column("kiosk_id", Id, ForeignKey("kiosks.id"), nullable=False),
    # From the kiosk's enrolment, never from the request body.
    Column("store_id", Name, nullable=False),
    Column("touchpoint", Name, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("survey_id", Name, nullable=False),
    Column("survey_version", Integer, nullable=False),
    Column("locale", String(8), nullable=False),
    Column("scale", String(16), nullable=False),
    Column("score", SmallInteger, nullable=False),
    Column("factor", Name),
    Column("comment", Text),
    Column("outcome", String(16), nullable=False),
    Column("flags", Text, nullable=False),  # a JSON list of strings
    Column("started_at", Timestamp, nullable=False),
    Column("answered_at", Timestamp, nullable=False),
    Column("finished_at", Timestamp, nullable=False),
    Column("received_at", Timestamp, nullable=False),
    # SHA-256 of the answer's content and its kiosk: a resend is recognised by it.
    Column("content_hash", Sha256, nullable=False),
    # A random id per ingest transaction: after INSERT ... ON CONFLICT DO NOTHING it tells
    # the rows this transaction stored from those that were there already.
    Column("receipt", Id, nullable=False),
    # What the dashboard filters and groups by, always within a time range.
    # Covering (schema 2; schema 1 had only store_id, answered_at): a store's or region's
    # figures read the index and never the rows.
    Index(
        "responses_store_cover",
        "store_id",
        "answered_at",
        "scale",
        "score",
        "factor",
        "touchpoint",
        "survey_id",
        # Rapid answers and timeouts are left out as the analyst chooses (schema 3): a few
        # bytes more per answer, where reading the rows made a store's year 3 times slower.
        # The survey's version too: its filter and the note on pooled versions stay off the rows.
        "outcome",
        "flags",
        "survey_version",
    ),
    Index("responses_touchpoint_time", "touchpoint", "answered_at"),
    Index("responses_survey_time", "survey_id", "answered_at"),
    # The dashboard's questions over all stores: a time range, grouped by what it shows.
    # Covering, so they read the index and never the rows (schema 2).
    Index(
        "responses_time_cover",
        "answered_at",
        "scale",
        "score",
        "factor",
        "store_id",
        "touchpoint",
        "survey_id",
        "outcome",
        "flags",
        "survey_version",
    ),
    # Few answers carry a comment; the comments page reads only those.
    Index(
        "responses_comments_time",
        "answered_at",
        sqlite_where=text("comment IS NOT NULL"),
        postgresql_where=text("comment IS NOT NULL"),
    ),
    # Few answers are rapid; ingest looks for a kiosk's around each batch to flag whole
    # bursts (schema 3), which must not read the batch's span of the store's answers.
    Index(
        "responses_rapid",
        "kiosk_id",
        "answered_at",
        sqlite_where=text(RAPID_CONDITION),
        postgresql_where=text(RAPID_CONDITION),
    ),
    # No more: every index is written for every answer, and on SQLite that is the cost
    # of ingest. Per-kiosk questions (gaps in seq) are rare and may scan.
)

# --- the dashboard (schema 2) --------------------------------------------------------------

# Stores are named by the kiosks enrolled for them; this table only adds what HQ knows
# about a store besides its id.
stores = Table(
    "stores",
    metadata,
    Column("id", Name, primary_key=True),
    Column("name", String(128)),
    Column("region", Name, index=True),
)

users = Table(
    "users",
    metadata,
    Column("name", Name, primary_key=True),
    Column("password_hash", String(256), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    # Wrong passwords in a row, and until when logging in is refused after too many.
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", Timestamp),
)

user_sessions = Table(
    "user_sessions",
    metadata,
    Column("token_hash", Sha256, primary_key=True),
    Column("user_name", Name, ForeignKey("users.name", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("expires_at", Timestamp, nullable=False),
)

# An improvement HQ made, for the before/after comparison and "you said, we did".
actions = Table(
    "actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(200), nullable=False),
    Column("touchpoint", Name),  # None: every touchpoint
    Column("started_on", Date, nullable=False),
    # "You said, we did": a text per locale (JSON object), shown by the kiosks of the
    # action's stores from started_on through message_until.
    Column("message", Text),
    Column("message_until", Date),
    Column("created_by", Name, nullable=False),
    Column("created_at", Timestamp, nullable=False),
)

action_stores = Table(
    "action_stores",
    metadata,
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("store_id", Name, primary_key=True),
)


# Answers counted per UTC day and what the dashboard splits by, except the store: the
# all-stores views read this instead of a scan of every answer in the range. Kept by
# Store.ingest in the same transaction as the answers it counts (only new ones), so it
# always agrees with them. No factor is '' here (a key column cannot be NULL).
daily_answers = Table(
    "daily_answers",
    metadata,
    Column("day", Date, primary_key=True),
    Column("touchpoint", Name, primary_key=True),
    Column("survey_id", Name, primary_key=True),
    # Versions of a survey may word it differently: counted apart, pooled only on purpose.
    Column("survey_version", Integer, primary_key=True),
    Column("scale", String(16), primary_key=True),
    Column("score", SmallInteger, primary_key=True),
    Column("factor", Name, primary_key=True),
    # Timeouts and rapid answers are counted apart (schema 3), so the all-stores views can
    # leave them out as the analyst chooses.
    Column("outcome", String(16), primary_key=True),
    Column("rapid", SmallInteger, primary_key=True),  # 1: flagged rapid (ces.answer)
    Column("n", BigInteger, nullable=False),
)


# What people did to the data, never the data itself (schema 3): erasures, retention runs.
# `detail` is a short summary of the criteria (ids counted, a store, a date range), never a
# comment's text.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Timestamp, nullable=False, index=True),
    Column("actor", Name, nullable=False),  # a user name, "cli:<os user>" or "retention"
    Column("action", Name, nullable=False),
    Column("count", Integer, nullable=False),
    Column("detail", Text),
)
