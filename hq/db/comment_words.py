"""PostgreSQL's trigram index of the comments, for the comments page's search.

The search is ``lower(comment) LIKE '%words%'``: no B-tree serves it, so over a chain's year
it read every commented answer's row (664 ms at 10 million answers). pg_trgm's GIN index
answers it from the index for words few comments hold; common words are found quickly
anyway (the newest 50 come first, and the count stops at a cap). It is an extension, which
a database may not offer or this role may not be allowed to create: the search then works
without it, as on SQLite, and HQ says so once at start.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("effortless.hq.db")

INDEX_NAME = "responses_comment_words"
STATISTICS_NAME = "responses_comment_lower"
_OPERATOR_CLASS = """
    SELECT n.nspname FROM pg_opclass c
    JOIN pg_am a ON a.oid = c.opcmethod
    JOIN pg_namespace n ON n.oid = c.opcnamespace
    WHERE c.opcname = 'gin_trgm_ops' AND a.amname = 'gin'
    LIMIT 1
"""


def ensure_index(conn: Connection) -> bool:
    """Makes the index and its statistics if they are missing (creating pg_trgm if this
    role may); whether the comments now have the index."""
    if conn.dialect.server_version_info and conn.dialect.server_version_info >= (14,):
        # The planner reads no statistics of a partial index's expression; without these it
        # took "kassa" (in a third of the comments) for a rare word, and read the matches of
        # every year through the trigram index instead of the newest 84 days' comments
        # (682 ms instead of 32 at 10 million answers). Autovacuum's ANALYZE fills them.
        conn.execute(
            text(
                f"CREATE STATISTICS IF NOT EXISTS {STATISTICS_NAME} "
                "ON (lower(comment)) FROM responses"
            )
        )
    exists = conn.execute(
        text("SELECT to_regclass(:name) IS NOT NULL"), {"name": INDEX_NAME}
    ).scalar_one()
    if exists:
        return True
    schema = conn.execute(text(_OPERATOR_CLASS)).scalar_one_or_none()
    if schema is None:
        try:
            with conn.begin_nested():
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            log.info(
                "comment search without a trigram index (pg_trgm could not be created: %s); "
                "a database owner can run CREATE EXTENSION pg_trgm, then restart ces-hq",
                reason,
            )
            return False
        schema = conn.execute(text(_OPERATOR_CLASS)).scalar_one_or_none()
        if schema is None:
            return False
    quoted = '"' + str(schema).replace('"', '""') + '"'
    log.info("indexing the comments' words for the search (pg_trgm)")
    conn.execute(
        text(
            f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON responses "
            f"USING gin (lower(comment) {quoted}.gin_trgm_ops) WHERE comment IS NOT NULL"
        )
    )
    return True
