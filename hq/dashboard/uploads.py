"""A form with files (multipart/form-data), read with the standard library, CSRF-checked.

The survey editor sends icons as files; every other form is urlencoded (deps.read_form).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from hq.body import read_capped
from hq.dashboard import webtexts
from hq.dashboard.deps import MAX_FORM_FIELDS, CurrentUser, read_form
from hq.dashboard.pages import PageError
from hq.dashboard.rendering import language

# Eight icons at the sanitiser's limit and the texts, with room for the encoding.
MAX_UPLOAD_FORM_BYTES = 512 * 1024


@dataclass(frozen=True)
class UploadForm:
    fields: dict[str, str]
    files: dict[str, bytes]  # non-empty files, by field name


def parse_multipart(body: bytes, content_type: str) -> UploadForm:
    """The fields and files of a multipart/form-data body; PageError 400 if it is not one."""
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise PageError(400, "the form could not be read")
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for count, part in enumerate(message.iter_parts()):
        if count >= MAX_FORM_FIELDS:
            raise PageError(400, "the form has too many fields")
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            if data:
                files[name] = data
            continue
        try:
            fields[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise PageError(400, "the form could not be read") from None
    return UploadForm(fields, files)


async def checked_upload_form(request: Request, user: CurrentUser) -> UploadForm:
    """The form (with files, or urlencoded), if it carries the session's CSRF token."""
    content_type = request.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/form-data"):
        body = await read_capped(request, MAX_UPLOAD_FORM_BYTES)
        form = parse_multipart(body, content_type)
    else:
        form = UploadForm(await read_form(request), {})
    if not hmac.compare_digest(form.fields.get("csrf", ""), user.csrf):
        raise PageError(403, webtexts.text(language(request))["csrf"])
    return form


CheckedUploadForm = Annotated[UploadForm, Depends(checked_upload_form)]
