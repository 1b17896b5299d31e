"""The portal files bucket: uploads and downloads by presigned request. The only module that knows its keys.

Keys start with the vendor organisation, then the partnership for shared files; every segment is an
id the server made, never a name a client chose (the file's name travels only in the download's
Content-Disposition):

- ``<vendor>/resources/<resource>/<version>``: a resource's or brand asset's version;
- ``<vendor>/partnerships/<partnership>/files/<file>/<version>``: a shared file's version.

Clients upload straight to S3 with a presigned POST whose policy fixes the key, the content type and
the exact size, so S3 itself refuses anything else; the API then checks the object (HeadObject)
before the version becomes current.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

from trellis.keys import SEPARATOR

UPLOAD_SECONDS = 15 * 60
DOWNLOAD_SECONDS = 5 * 60

_client: Any = None


def _s3() -> Any:
    """The S3 client, created on first use (botocore alone; path-style addressing behind a local endpoint)."""
    global _client
    if _client is None:
        local = bool(os.environ.get("AWS_ENDPOINT_URL"))
        config = Config(signature_version="s3v4", s3={"addressing_style": "path" if local else "auto"})
        _client = botocore.session.get_session().create_client("s3", config=config)
    return _client


def bucket() -> str:
    name = os.environ.get("PORTAL_FILES_BUCKET", "")
    if not name:
        raise RuntimeError("PORTAL_FILES_BUCKET is not set for this function")
    return name


def _segments(*parts: str) -> str:
    for part in parts:
        if not part or "/" in part or SEPARATOR in part or part in {".", ".."}:
            raise ValueError(f"file key segment {part!r} is empty or has a separator")
    return "/".join(parts)


def resource_key(vendor_id: str, resource_id: str, version_id: str) -> str:
    return _segments(vendor_id, "resources", resource_id, version_id)


def shared_file_key(vendor_id: str, partnership_id: str, file_id: str, version_id: str) -> str:
    return _segments(vendor_id, "partnerships", partnership_id, "files", file_id, version_id)


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]
    expires_at: datetime


def upload_form(key: str, *, content_type: str, size: int) -> PresignedPost:
    """A presigned POST for exactly this object: its key, content type and size (S3 enforces all three)."""
    response = _s3().generate_presigned_post(
        Bucket=bucket(), Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", size, size]],
        ExpiresIn=UPLOAD_SECONDS,
    )
    return PresignedPost(url=str(response["url"]), fields={k: str(v) for k, v in response["fields"].items()},
                         expires_at=datetime.now(UTC) + timedelta(seconds=UPLOAD_SECONDS))


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str


def stored(key: str) -> StoredObject | None:
    """What S3 holds at ``key``; None when nothing was uploaded there."""
    try:
        response = _s3().head_object(Bucket=bucket(), Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise
    content_type = str(response.get("ContentType") or "").split(";")[0].strip().lower()
    return StoredObject(size=int(response["ContentLength"]), content_type=content_type)


def _disposition(filename: str) -> str:
    # RFC 6266: an ASCII fallback for old clients, the exact name (UTF-8) for the others.
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_link(key: str, *, filename: str, content_type: str) -> tuple[str, datetime]:
    link: str = _s3().generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket(), "Key": key, "ResponseContentDisposition": _disposition(filename),
                "ResponseContentType": content_type},
        ExpiresIn=DOWNLOAD_SECONDS,
    )
    return link, datetime.now(UTC) + timedelta(seconds=DOWNLOAD_SECONDS)


def delete(keys: list[str]) -> None:
    """Remove the objects of deleted versions (up to 1000 keys, one call)."""
    if keys:
        objects = [{"Key": key} for key in keys]
        _s3().delete_objects(Bucket=bucket(), Delete={"Objects": objects, "Quiet": True})
