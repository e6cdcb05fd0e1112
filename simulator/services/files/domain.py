"""The simulator's file store and its presigned URLs.

Files live in the ``files`` table, so a restart loses none. A file is served
at ``/_files/{file_id}``. Files uploaded through the control plane are open
to anyone who knows the id; results of the splitter and merger are
``signed_only``: they are served only through a presigned URL, as S3 serves
a private object.

A presigned URL carries three query parameters, named after S3's::

    X-Amz-Date=20300101T000000Z    instant of signing (simulated clock)
    X-Amz-Expires=3600             lifetime in seconds
    X-Amz-Signature=<hex>          HMAC-SHA256 of "GET\\n/_files/<id>\\n<date>\\n<expires>"

The HMAC secret is drawn once and kept in the ``meta`` table, so URLs
survive a restart. Expiry is measured on the simulated clock. A URL whose
signature does not match, or whose time is up, is refused with
:class:`~simulator.core.errors.Forbidden` (403) and the message S3 gives.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from sqlalchemy import Connection, select

from simulator.core.errors import BadRequest, Forbidden, NotFound
from simulator.core.ids import new_hex
from simulator.core.store import meta
from simulator.services.files.tables import files

__all__ = [
    "FILES_PATH",
    "MAX_PRESIGN_SECONDS",
    "StoredFile",
    "file_id_of",
    "file_url",
    "open_file",
    "presign",
    "put_file",
]

FILES_PATH = "/_files"
SECRET_KEY = "presign_secret"
MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # S3's limit for presigned URLs
DATE = "X-Amz-Date"
EXPIRES = "X-Amz-Expires"
SIGNATURE = "X-Amz-Signature"
_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_FILE_ID = re.compile(r"^[0-9a-f]{32}$")

EXPIRED = "Request has expired"
MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check the URL: it must be used exactly as it was given.")
MALFORMED = (f"Query-string authentication requires the {DATE}, {EXPIRES} and {SIGNATURE} "
             "parameters")
PRIVATE = "Access Denied: this file is only served through a presigned URL"


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One file of the store (``data`` is empty when only its metadata was read)."""

    file_id: str
    name: str
    content_type: str
    size: int
    data: bytes


def put_file(conn: Connection, now: datetime, data: bytes, *, name: str,
             content_type: str = "application/pdf", signed_only: bool = False) -> StoredFile:
    """Store ``data`` under a new id."""
    file_id = new_hex(conn, kind="file")
    conn.execute(files.insert().values(
        file_id=file_id, name=_safe_name(name), content_type=content_type, data=bytes(data),
        created_at=now, signed_only=signed_only))
    return StoredFile(file_id, _safe_name(name), content_type, len(data), b"")


def open_file(conn: Connection, now: datetime, file_id: str,
              query: Mapping[str, str]) -> StoredFile:
    """The file ``file_id`` if ``query`` grants access to it at ``now``.

    Unknown ids raise NotFound (404); a presigned URL that is tampered,
    malformed or expired, and a signed-only file asked for without a
    signature, raise Forbidden (403).
    """
    if not _FILE_ID.match(file_id):
        raise NotFound(f"File '{file_id}' does not exist")
    signed = any(key in query for key in (DATE, EXPIRES, SIGNATURE))
    if signed:
        _verify(conn, now, file_id, query)
    row = conn.execute(select(files).where(files.c.file_id == file_id)).first()
    if row is None:
        raise NotFound(f"File '{file_id}' does not exist")
    if row.signed_only and not signed:
        raise Forbidden(PRIVATE)
    data = bytes(row.data)
    return StoredFile(row.file_id, row.name, row.content_type, len(data), data)


def presign(conn: Connection, now: datetime, file_id: str, seconds: int) -> dict[str, str]:
    """Query parameters that grant GET on ``file_id`` for ``seconds`` from ``now``."""
    if not 1 <= seconds <= MAX_PRESIGN_SECONDS:
        raise BadRequest(f"A presigned URL lives 1 to {MAX_PRESIGN_SECONDS} seconds")
    moment = now.astimezone(UTC)
    date = f"{moment.year:04d}" + moment.strftime(_DATE_FORMAT[2:])  # %Y is unpadded < 1000
    expires = str(seconds)
    return {DATE: date, EXPIRES: expires,
            SIGNATURE: _sign(_secret(conn), file_id, date, expires)}


def file_url(origin: str, file_id: str, query: Mapping[str, str] | None = None) -> str:
    """The absolute URL of a file, served at ``origin`` (``scheme://host[:port]``)."""
    url = f"{origin.rstrip('/')}{FILES_PATH}/{file_id}"
    return f"{url}?{urlencode(dict(query))}" if query else url


def file_id_of(url: str, origins: frozenset[str]) -> str | None:
    """The file id when ``url`` names a file of this simulator, else None.

    ``origins`` are the ``host[:port]`` under which the simulator is reached.
    """
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a bad IPv6 literal: not ours, the fetcher refuses it
        return None
    if parts.netloc.lower() not in origins:
        return None
    prefix = FILES_PATH + "/"
    if not parts.path.startswith(prefix):
        return None
    file_id = parts.path[len(prefix):].rstrip("/")
    return file_id or None


def _verify(conn: Connection, now: datetime, file_id: str, query: Mapping[str, str]) -> None:
    date, expires, signature = (query.get(DATE), query.get(EXPIRES), query.get(SIGNATURE))
    if not (date and expires and signature):
        raise Forbidden(MALFORMED)
    expected = _sign(_secret(conn), file_id, date, expires)
    if not signature.isascii() or not hmac.compare_digest(expected, signature.lower()):
        raise Forbidden(MISMATCH)
    try:
        signed_at = datetime.strptime(date, _DATE_FORMAT).replace(tzinfo=UTC)
        lifetime = timedelta(seconds=int(expires))
    except (ValueError, OverflowError):  # pragma: no cover - a valid HMAC implies our format
        raise Forbidden(MISMATCH) from None
    if now >= signed_at + lifetime:
        raise Forbidden(EXPIRED)


def _sign(secret: bytes, file_id: str, date: str, expires: str) -> str:
    message = f"GET\n{FILES_PATH}/{file_id}\n{date}\n{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _secret(conn: Connection) -> bytes:
    """The HMAC secret, drawn on first use and kept in the store."""
    row = conn.execute(select(meta.c.value).where(meta.c.key == SECRET_KEY)).first()
    if row is not None:
        return bytes.fromhex(str(row.value))
    value = secrets.token_hex(32)
    conn.execute(meta.insert().values(key=SECRET_KEY, value=value))
    return bytes.fromhex(value)


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "file"
    return cleaned[:120]
