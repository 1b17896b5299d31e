"""What the portal's content rooms accept and return: resources, brand assets and shared files.

Kept beside ``portal/models.py`` (which holds the shapes every room shares) so the rooms built at the
same time do not all edit one file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, Field, StringConstraints, field_validator

from portal.models import Audience, Request

ContentRoom = Literal["resources", "brand"]
ContentKind = Literal["file", "link"]
UploaderSide = Literal["vendor", "partner"]
VersionStatus = Literal["pending", "current", "previous"]

MAX_FILE_SIZE = 100 * 1024 * 1024  # 100 MB: S3 refuses a bigger upload (the presigned POST's policy)
MAX_TAGS = 20
# What may be uploaded: documents, images, video and archives partners exchange. Anything else (HTML,
# scripts, executables) is refused; downloads are served as attachments whatever the type.
ALLOWED_CONTENT_TYPES = frozenset({
    "application/pdf",
    "application/zip",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "text/csv",
    "text/plain",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/svg+xml",
    "video/mp4",
})

Title = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=2000)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f,]+$")]
# A file's name as the downloader's browser will save it: no path, no quotes, no control characters.
FileName = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r'^[^/\\"\x00-\x1f\x7f]+$')]
ContentType = Annotated[str, StringConstraints(max_length=120, to_lower=True)]


def _content_type(value: str) -> str:
    if value not in ALLOWED_CONTENT_TYPES:
        allowed = ", ".join(sorted(ALLOWED_CONTENT_TYPES))
        raise ValueError(f"uploads of type {value!r} are not accepted; one of: {allowed}")
    return value


def _https(value: AnyHttpUrl) -> AnyHttpUrl:
    if value.scheme != "https":
        raise ValueError("a link must be an https:// address")
    return value


def _tags(value: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for tag in value:
        seen.setdefault(tag.casefold(), tag)
    return list(seen.values())


# ---------------------------------------------------------------- requests


class FileUpload(Request):
    """A file the caller is about to upload: its name, type and exact size in bytes."""

    filename: FileName
    content_type: ContentType
    size: int = Field(ge=1, le=MAX_FILE_SIZE)

    @field_validator("content_type")
    @classmethod
    def _allowed_type(cls, value: str) -> str:
        return _content_type(value)


class NewVersion(Request):
    """A new version: a file's ``filename``, ``content_type`` and ``size``, or a link's ``url``."""

    filename: FileName | None = None
    content_type: ContentType | None = None
    size: int | None = Field(default=None, ge=1, le=MAX_FILE_SIZE)
    url: AnyHttpUrl | None = None

    @field_validator("content_type")
    @classmethod
    def _allowed_type(cls, value: str | None) -> str | None:
        return None if value is None else _content_type(value)

    @field_validator("url")
    @classmethod
    def _https_url(cls, value: AnyHttpUrl | None) -> AnyHttpUrl | None:
        return None if value is None else _https(value)


class ResourceCreate(Request):
    room: ContentRoom = "resources"
    kind: ContentKind
    title: Title
    description: Description = ""
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    audience: Audience = Field(default_factory=Audience)
    file: FileUpload | None = Field(default=None, description="The file to upload (kind file only)")
    url: AnyHttpUrl | None = Field(default=None, description="A link's address (kind link only)")

    @field_validator("url")
    @classmethod
    def _https_url(cls, value: AnyHttpUrl | None) -> AnyHttpUrl | None:
        return None if value is None else _https(value)

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, value: list[str]) -> list[str]:
        return _tags(value)


class ResourceUpdate(Request):
    """Fields to change; those left out keep their value."""

    title: Title | None = None
    description: Description | None = None
    tags: list[Tag] | None = Field(default=None, max_length=MAX_TAGS)
    audience: Audience | None = None

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _tags(value)


class SharedFileCreate(FileUpload):
    title: Title | None = Field(default=None, description="Default: the file's name")
    description: Description = ""
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, value: list[str]) -> list[str]:
        return _tags(value)


# ---------------------------------------------------------------- answers


class ContentVersion(BaseModel):
    version_id: str
    number: int
    status: VersionStatus
    kind: ContentKind
    filename: str | None
    content_type: str | None
    size: int | None
    url: str | None  # a link's address
    created_by: str
    created_at: datetime
    completed_at: datetime | None


class Upload(BaseModel):
    """Where to send the file: an HTML-form POST of ``fields`` plus the file (as the last field ``file``)
    to ``url``. S3 refuses another size or content type; the link expires at ``expires_at``."""

    url: str
    fields: dict[str, str]
    expires_at: datetime


class PendingVersion(BaseModel):
    """A new version: ``pending`` with where to upload it (a file), or already ``current`` (a link)."""

    version: ContentVersion
    upload: Upload | None = None


class Resource(BaseModel):
    """A resource or brand asset. ``versions``: every version (vendor only; partners get the current)."""

    resource_id: str
    room: ContentRoom
    kind: ContentKind
    title: str
    description: str
    tags: list[str]
    current_version: ContentVersion | None
    created_at: datetime
    updated_at: datetime
    # vendor-only fields (None for a partner)
    audience: Audience | None = None
    archived: bool | None = None
    versions: list[ContentVersion] | None = None


class ResourceCreated(BaseModel):
    resource: Resource
    pending: PendingVersion | None = None


class ResourcePage(BaseModel):
    items: list[Resource]
    next_cursor: str | None = None


class SharedFile(BaseModel):
    file_id: str
    partnership_id: str
    title: str
    description: str
    tags: list[str]
    uploader_side: UploaderSide
    created_by: str
    current_version: ContentVersion | None
    created_at: datetime
    updated_at: datetime
    versions: list[ContentVersion] | None = None  # on a single file's answer


class SharedFileCreated(BaseModel):
    file: SharedFile
    pending: PendingVersion


class SharedFilePage(BaseModel):
    items: list[SharedFile]
    next_cursor: str | None = None


class Download(BaseModel):
    """A short-lived address to fetch the version (a file: a presigned GET; a link: its address)."""

    version_id: str
    kind: ContentKind
    url: str
    filename: str | None
    expires_at: datetime | None
