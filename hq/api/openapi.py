"""The OpenAPI document at /openapi.json."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from hq import schemas


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document plus the request bodies, which the endpoints read themselves."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description="Sync protocol v1 between Effortless kiosks and HQ; see docs/protocol.md.",
        routes=app.routes,
    )
    schemas.complete(doc)
    app.openapi_schema = doc
    return doc
