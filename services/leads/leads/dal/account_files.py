"""The account files bucket: import files that run as a job, and exports. The only module that knows its keys.

Keys start with the kind and the organisation (``imports/<org>/<import>.csv``,
``exports/<org>/<export>.csv``); the bucket expires them after a week (template.yaml): they are
working copies, the accounts are in the table.
"""

from __future__ import annotations

import os
from typing import Any

import botocore.session
from botocore.config import Config

from trellis.keys import SEPARATOR

CSV = "text/csv; charset=utf-8"

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
    name = os.environ.get("ACCOUNT_FILES_BUCKET", "")
    if not name:
        raise RuntimeError("ACCOUNT_FILES_BUCKET is not set for this function")
    return name


def _key(kind: str, organisation_id: str, file_id: str) -> str:
    for part in (organisation_id, file_id):
        if not part or "/" in part or SEPARATOR in part:
            raise ValueError(f"file key segment {part!r} is empty or has a separator")
    return f"{kind}/{organisation_id}/{file_id}.csv"


def put_import(organisation_id: str, import_id: str, text: str) -> str:
    key = _key("imports", organisation_id, import_id)
    _s3().put_object(Bucket=bucket(), Key=key, Body=text.encode(), ContentType=CSV)
    return key


def get_text(key: str) -> str | None:
    """A stored file's text; None when it is gone (expired)."""
    client = _s3()
    try:
        response = client.get_object(Bucket=bucket(), Key=key)
    except client.exceptions.NoSuchKey:
        return None
    body: bytes = response["Body"].read()
    return body.decode()


def put_export(organisation_id: str, export_id: str, text: str) -> str:
    key = _key("exports", organisation_id, export_id)
    _s3().put_object(Bucket=bucket(), Key=key, Body=text.encode(), ContentType=CSV)
    return key


def download_link(key: str, *, file_name: str, expires_in: int) -> str:
    link: str = _s3().generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket(), "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{file_name}"'},
        ExpiresIn=expires_in,
    )
    return link
