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

from ces.scales import SCALES

# Room for any canonical opening-hours text (ces.opening_hours caps what people write).
OPENING_HOURS_CHARS = 1024

SCHEMA_VERSION = 8

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
    # When the kiosk first reported the survey version it reports now (schema 6).
    Column("survey_since", Timestamp),
    # A kiosk HQ moved to another touchpoint (schema 6): where it was, and when it took the
    # config of the new one (None until then). Answers it gave before that stay filed under
    # the touchpoint they were given at.
    Column("previous_touchpoint", Name),
    Column("moved_at", Timestamp),
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
    # Narrow indexes only (schema 4): figures read the counts (hq.db.counts), so what
    # reads the answers themselves is a store's or the chain's answers over a time range
    # (comments, exports, erasure, counting again), and the fleet's usual traffic per
    # store and touchpoint. Schema 2 and 3's wide covering indexes cost every ingest
    # more than the pages they served now save.
    Index("responses_store_time", "store_id", "answered_at"),
    Index("responses_time", "answered_at", "store_id", "touchpoint"),
    # Few answers carry a comment; the comments page reads only those. With what its filters
    # choose by (schema 4), so counting a year's comments ("50 of N") reads only the index:
    # on PostgreSQL checking flags in the rows read 2 GB for a chain's year. Not the comment
    # itself: up to 1,000 characters can exceed a B-tree entry's limit.
    Index(
        "responses_comments",
        "answered_at",
        "store_id",
        "flags",
        "outcome",
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
    # The store's IANA time zone, e.g. Europe/Brussels (schema 4); None: the chain's
    # (hq_meta "time_zone", UTC until set). Days and weeks are cut in it.
    Column("time_zone", Name),
    # The store's weekly opening hours in ces.opening_hours' canonical text (schema 7);
    # None: none set, the store counts as always open.
    Column("opening_hours", String(OPENING_HOURS_CHARS)),
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
    # What the user may do and see (schema 8, hq.roles): 'admin', 'analyst' or
    # 'store_manager' (only the stores in user_stores). Users from before are admins.
    Column("role", String(16), nullable=False, server_default="admin"),
    # Where alerts and the weekly digest go; None: nothing is mailed to this user.
    Column("email", String(254)),
)

# The stores a store manager sees (schema 8); other roles see every store.
user_stores = Table(
    "user_stores",
    metadata,
    Column("user_name", Name, ForeignKey("users.name", ondelete="CASCADE"), primary_key=True),
    Column("store_id", Name, primary_key=True),
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
    # Who answers for it, the factor it addresses and how far it is (schema 8):
    # 'planned', 'in_progress' or 'done'.
    Column("owner", Name),
    Column("factor", Name),
    Column("status", String(16), nullable=False, server_default="in_progress"),
)

action_stores = Table(
    "action_stores",
    metadata,
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("store_id", Name, primary_key=True),
)


# Answers counted per day in their store's time zone (schema 4; UTC days before) and what
# the dashboard splits by, except the store: the all-stores views read this instead of a
# scan of every answer in the range. Kept by HQDatabase.ingest in the same transaction as
# the answers it counts (only new ones), so it always agrees with them (hq.db.counts). No
# factor is '' here (a key column cannot be NULL).
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

# Per store and local day, the scores as counts per point (s1 = answers that scored 1, ...):
# a row holds a whole day's distribution, so a year of a chain's stores is a few hundred
# thousand rows, which the views by store or region group (schema 4). Without the factor.
SCORE_COUNTS = tuple(
    f"s{point}" for point in range(1, max(max(s.points) for s in SCALES.values()) + 1)
)


def _store_counts(name: str, period: str, factor: bool) -> Table:
    """Counts per local ``period`` ("day", or "week": its Monday) and store (schema 4).

    The period first: a range of days or weeks is one stretch of the key, however many years
    the table holds. WITHOUT ROWID on SQLite keeps the rows themselves in key order, so the
    stretch is read straight (a rowid table read twice as slowly along its key).
    """
    return Table(
        name,
        metadata,
        Column(period, Date, primary_key=True),
        Column("store_id", Name, primary_key=True),
        Column("touchpoint", Name, primary_key=True),
        Column("survey_id", Name, primary_key=True),
        Column("survey_version", Integer, primary_key=True),
        Column("scale", String(16), primary_key=True),
        *([Column("factor", Name, primary_key=True)] if factor else []),
        Column("outcome", String(16), primary_key=True),
        Column("rapid", SmallInteger, primary_key=True),
        Column("n", Integer, nullable=False),
        *(
            Column(score, Integer, nullable=False, server_default=text("0"))
            for score in SCORE_COUNTS
        ),
        # One store's rows without reading every store's of the same days (PostgreSQL has no
        # skip scan): its overview 165 -> 24 ms at a chain's scale.
        Index(f"{name}_store", "store_id", period),
        sqlite_with_rowid=False,
    )


# Without the factor: what views by store or region read for scores ...
store_days = _store_counts("store_days", "day", factor=False)
# ... and with it ('' for none), for their factor views.
store_factor_days = _store_counts("store_factor_days", "day", factor=True)
# The same per local week (Monday to Sunday): a year of a chain is a seventh of the rows.
# Ranges read whole weeks here and the days at either end from the day tables.
store_weeks = _store_counts("store_weeks", "week", factor=False)
store_factor_weeks = _store_counts("store_factor_weeks", "week", factor=True)


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


# --- journeys (schema 5) -------------------------------------------------------------------

# A customer journey: names per locale (a JSON object), shown in ``position`` order.
journeys = Table(
    "journeys",
    metadata,
    Column("id", Name, primary_key=True),
    Column("names", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("created_at", Timestamp, nullable=False),
)

# A journey's touchpoints in order. A touchpoint (the id kiosks are enrolled for) belongs
# to one journey only: it runs one survey, against one target.
journey_touchpoints = Table(
    "journey_touchpoints",
    metadata,
    Column("touchpoint", Name, primary_key=True),
    Column(
        "journey_id",
        Name,
        ForeignKey("journeys.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("position", Integer, nullable=False),
    Column("names", Text, nullable=False),
    Column("survey_id", Name, nullable=False),
    Column("target", SmallInteger, nullable=False),  # % easy, 1-100
    # The published version of the survey it runs (schema 6); None: the newest published.
    Column("survey_version", Integer),
)


# --- survey versions (schema 6) ------------------------------------------------------------

# Every version of every survey HQ knows (hq.survey_versions): at most one draft per survey,
# numbered above all its published ones. A published row never changes: answers name the
# version they answered, and the dashboard reads its question text from here.
survey_versions = Table(
    "survey_versions",
    metadata,
    Column("survey_id", Name, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("state", String(16), nullable=False),  # 'draft' | 'published'
    # The survey JSON as hq.survey_files.canonical_json writes it.
    Column("document", Text, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("created_by", Name, nullable=False),
    Column("published_at", Timestamp),
    Column("published_by", Name),
)


# --- roles, scheduled work, footfall (schema 8) --------------------------------------------

# Work that must happen once per period however many ces-hq processes share the database
# (hq.jobs): the process whose INSERT of (job, period) succeeds does it.
job_runs = Table(
    "job_runs",
    metadata,
    Column("job", Name, primary_key=True),
    Column("period", String(32), primary_key=True),  # e.g. '2026-W48', '2026-11-30T08:15'
    Column("claimed_at", Timestamp, nullable=False),
    Column("claimed_by", String(128), nullable=False),  # host and process id
    Column("finished_at", Timestamp),
)

# Visitors per store and local hour, from a door counter (`ces-hq footfall import`).
footfall = Table(
    "footfall",
    metadata,
    Column("store_id", Name, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("hour", SmallInteger, primary_key=True),  # 0-23, the store's local time
    Column("visitors", Integer, nullable=False),
    # Participation reads a range of days of every store: from this index alone (a third of
    # the time of reading the table on a year of 500 stores; docs/performance.md).
    Index("footfall_by_day", "day", "store_id", "visitors"),
)


# --- alerts (issue 15; new tables, made by create_all) --------------------------------------

# What to watch (hq.alerts.rules): a kind, a scope, its settings as a JSON object, and where
# alerts go. The webhook URL is a secret of sorts: shown and logged by its host only.
alert_rules = Table(
    "alert_rules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100)),
    Column("kind", String(32), nullable=False),
    Column("scope", String(16), nullable=False),  # 'chain' | 'region' | 'store' | 'touchpoint'
    Column("scope_id", Name),  # None for the chain
    Column("settings", Text, nullable=False),  # JSON object, checked by hq.alerts.rules
    Column("emails", Text, nullable=False),  # JSON list of addresses
    Column("webhook_url", Text),
    Column("webhook_format", String(16)),  # 'json' | 'slack' | 'teams'
    Column("quiet_hours", String(16)),  # e.g. '22:00-07:00' on the subject's store's clock
    Column("cooldown_minutes", Integer, nullable=False),
    Column("enabled", SmallInteger, nullable=False, server_default=text("1")),
    Column("created_by", Name, nullable=False),
    Column("created_at", Timestamp, nullable=False),
)

# What a rule found, per subject (a store's touchpoint and scale, a kiosk): open until the
# condition clears (closed_at), acknowledged by a person or not.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule_id", Integer, ForeignKey("alert_rules.id"), nullable=False, index=True),
    Column("subject", String(200), nullable=False),
    Column("store_id", Name),  # who may see it (hq.roles); None: chain-wide
    Column("title", String(300), nullable=False),
    Column("detail", Text, nullable=False),
    Column("opened_at", Timestamp, nullable=False),
    Column("last_seen_at", Timestamp, nullable=False),
    Column("count", Integer, nullable=False),
    Column("closed_at", Timestamp),
    Column("acknowledged_by", Name),
    Column("acknowledged_at", Timestamp),
    # One open alert per rule and subject, however many processes evaluate.
    Index(
        "alerts_one_open",
        "rule_id",
        "subject",
        unique=True,
        sqlite_where=text("closed_at IS NULL"),
        postgresql_where=text("closed_at IS NULL"),
    ),
)

# Each alert's e-mail and webhook, sent by the alert job and retried with a back-off.
alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False, index=True),
    Column("channel", String(16), nullable=False),  # 'email' | 'webhook'
    Column("status", String(16), nullable=False),  # 'pending' | 'sent' | 'failed' | 'skipped'
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", Timestamp, nullable=False),  # after quiet hours, or a back-off
    Column("last_error", String(300)),  # never the URL
    Column("sent_at", Timestamp),
    Index("alert_deliveries_due", "status", "next_attempt_at"),
)


# --- the weekly digest (issue 15, hq.digest_sending) ---------------------------------------

# Who got the digest of which week, so a run that is tried again (after the SMTP server
# failed for some) mails only those still waiting: 'sent', or 'refused' when the server
# refused the message for good (not tried again). No address: the user's name only.
digest_sends = Table(
    "digest_sends",
    metadata,
    Column("week", String(10), primary_key=True),  # e.g. '2026-W48'
    Column("user_name", Name, primary_key=True),
    Column("outcome", String(16), nullable=False),
    Column("at", Timestamp, nullable=False),
)
