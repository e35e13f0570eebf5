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
from typing import Any

from sqlalchemy import Connection, String, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement, func

log = logging.getLogger("effortless.hq.db")

INDEX_NAME = "responses_comment_words"
# The Python function SQLite connections get (hq.db.database) for ``folded``.
SQLITE_FOLDED = "effortless_lower"
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


class folded(FunctionElement[str]):  # noqa: N801 (an SQL function, named as one)
    """``lower()`` that folds every alphabet: PostgreSQL's own (the index's expression);
    on SQLite, whose lower() folds only A-Z, Python's, one call per row."""

    type = String()
    name = "folded"
    inherit_cache = True


@compiles(folded)
def _folded(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_FOLDED}({compiler.process(element.clauses, **kw)})"


def lowered(column: ColumnElement[str], words: str) -> ColumnElement[str]:
    """``column`` case-folded for a search for ``words`` (which the caller lowers in
    Python): SQL's plain lower() when the words are ASCII, which folds their letters alike
    everywhere and costs SQLite nothing (Python's per row doubled a year's search there,
    535 ms at 2,000,000 answers); ``folded`` for "überall" to find "Überall"."""
    return func.lower(column) if words.isascii() else folded(column)
