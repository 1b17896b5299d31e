"""Content of the resources, brand and shared files rooms: items, versions and their keys.

Resources and brand assets are the vendor's, for every partner its audience admits; shared files
belong to one partnership. Both are the same machinery: a content item holding its current version,
and a version item per upload (``pending`` until the file is confirmed in S3, then current; a newer
one makes it previous). A content item and its versions share a partition (one Query reads them).

| entity         | pk                                    | sk             |
|----------------|---------------------------------------|----------------|
| Resource       | ORG#<v>#RESOURCE#<rid>#               | RESOURCE#      |
| SharedFile     | ORG#<v>#PARTNERSHIP#<pid>#FILE#<fid># | FILE#          |
| ContentVersion | (its content item's pk)               | VERSION#<ver># |

| entity     | gsi1pk (a room's list)                 | gsi1sk |
|------------|----------------------------------------|--------|
| Resource   | ORG#<v>#RESOURCES#<room>#[ARCHIVED#]   | <rid>  |
| SharedFile | ORG#<v>#PARTNERSHIP#<pid>#FILES#       | <fid>  |

(<room>: resources | brand. Ids are time-ordered, so an index partition read backwards is newest first.
An archived resource moves to the ``ARCHIVED#`` partition: partners' lists never read past it.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from portal.dal.tables import Outbox, PartnershipViewItem, PortalItem
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

MAX_VERSIONS = 99  # versions kept per item (plus the item: one transaction can delete them all)


class ContentItem(PortalItem, discriminator="PortalContent"):  # type: ignore[valid-type,misc,call-arg]
    """A resource, a brand asset or a shared file, with a copy of its current version's fields."""

    content_id = UnicodeAttribute()
    vendor_organisation_id = UnicodeAttribute()
    room = UnicodeAttribute()  # resources | brand | shared_files
    partnership_id = UnicodeAttribute(null=True)  # shared files only
    kind = UnicodeAttribute()  # file | link
    title = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    tags = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    # search: the lower-cased title, description and tags, so a term matches whatever its case
    search_text = UnicodeAttribute(default="")
    audience = JSONAttribute(null=True)  # portal.models.Audience, vendor content only
    uploader_side = UnicodeAttribute(null=True)  # shared files: vendor | partner
    uploader_organisation_id = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    archived_at = UTCDateTimeAttribute(null=True)
    current_version_id = UnicodeAttribute(null=True)
    current = JSONAttribute(null=True)  # the current version's fields (see ``version_fields``)
    version_count = NumberAttribute(default=0)
    version = VersionAttribute()


class ContentVersionItem(PortalItem, discriminator="PortalContentVersion"):  # type: ignore[valid-type,misc,call-arg]
    content_id = UnicodeAttribute()
    version_id = UnicodeAttribute()
    number = NumberAttribute()
    kind = UnicodeAttribute()
    filename = UnicodeAttribute(null=True)
    content_type = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    object_key = UnicodeAttribute(null=True)  # the S3 key (files)
    url = UnicodeAttribute(null=True)  # links
    created_by = UnicodeAttribute()
    created_by_organisation_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    completed_at = UTCDateTimeAttribute(null=True)


# ---------------------------------------------------------------- keys


def resource_pk(vendor_id: str, resource_id: str) -> str:
    return org_key(vendor_id, "RESOURCE", resource_id)


def resources_gsi1pk(vendor_id: str, room: str, *, archived: bool = False) -> str:
    if archived:
        return org_key(vendor_id, "RESOURCES", room, "ARCHIVED")
    return org_key(vendor_id, "RESOURCES", room)


def shared_file_pk(vendor_id: str, partnership_id: str, file_id: str) -> str:
    return org_key(vendor_id, "PARTNERSHIP", partnership_id, "FILE", file_id)


def shared_files_gsi1pk(vendor_id: str, partnership_id: str) -> str:
    return org_key(vendor_id, "PARTNERSHIP", partnership_id, "FILES")


RESOURCE_SK = "RESOURCE#"
FILE_SK = "FILE#"
VERSION_PREFIX = "VERSION#"


def version_sk(version_id: str) -> str:
    return f"{VERSION_PREFIX}{version_id}#"


def new_resource(vendor_id: str, resource_id: str, room: str, **attributes: Any) -> ContentItem:
    return ContentItem(
        resource_pk(vendor_id, resource_id), RESOURCE_SK, gsi1pk=resources_gsi1pk(vendor_id, room),
        gsi1sk=resource_id, content_id=resource_id, vendor_organisation_id=vendor_id, room=room, **attributes,
    )


def new_shared_file(vendor_id: str, partnership_id: str, file_id: str, **attributes: Any) -> ContentItem:
    return ContentItem(
        shared_file_pk(vendor_id, partnership_id, file_id), FILE_SK,
        gsi1pk=shared_files_gsi1pk(vendor_id, partnership_id), gsi1sk=file_id, content_id=file_id,
        vendor_organisation_id=vendor_id, partnership_id=partnership_id, room="shared_files", kind="file",
        **attributes,
    )


def new_version(item: ContentItem, version_id: str, **attributes: Any) -> ContentVersionItem:
    return ContentVersionItem(item.pk, version_sk(version_id), content_id=item.content_id,
                              version_id=version_id, **attributes)


def archive(item: ContentItem, at: datetime) -> None:
    """Out of the room's list (into its archived partition), for good."""
    item.archived_at = at
    item.gsi1pk = resources_gsi1pk(item.vendor_organisation_id, item.room, archived=True)


# ---------------------------------------------------------------- reads


def get_resource(vendor_id: str, resource_id: str) -> ContentItem | None:
    return _get(resource_pk(vendor_id, resource_id), RESOURCE_SK)


def get_shared_file(vendor_id: str, partnership_id: str, file_id: str) -> ContentItem | None:
    return _get(shared_file_pk(vendor_id, partnership_id, file_id), FILE_SK)


def _get(pk: str, sk: str) -> ContentItem | None:
    try:
        item = ContentItem.get(pk, sk)
    except ContentItem.DoesNotExist:
        return None
    return item if isinstance(item, ContentItem) else None


def with_versions(pk: str) -> tuple[ContentItem | None, list[ContentVersionItem]]:
    """A content item and its versions (newest first), in one Query of its partition."""
    item: ContentItem | None = None
    versions: list[ContentVersionItem] = []
    for found in PortalItem.query(pk, scan_index_forward=False, limit=MAX_VERSIONS + 1):
        if isinstance(found, ContentItem):
            item = found
        elif isinstance(found, ContentVersionItem):
            versions.append(found)
    versions.sort(key=lambda version: int(version.number), reverse=True)
    return item, versions


def get_version(item: ContentItem, version_id: str) -> ContentVersionItem | None:
    try:
        found = ContentVersionItem.get(item.pk, version_sk(version_id))
    except ContentVersionItem.DoesNotExist:
        return None
    return found if isinstance(found, ContentVersionItem) else None


def room_items(
    partition: str, *, start: dict[str, Any] | None, page_size: int,
) -> Iterator[tuple[ContentItem, dict[str, Any]]]:
    """Items of a list partition (an index partition), newest first, each with the key a cursor resumes
    after. Reads ``page_size`` items per Query; the caller stops when it has enough."""
    results = ContentItem.gsi1.query(
        partition, scan_index_forward=False, last_evaluated_key=start, page_size=page_size,
    )
    for found in results:
        if isinstance(found, ContentItem):
            yield found, {name: {"S": getattr(found, name)} for name in ("pk", "sk", "gsi1pk", "gsi1sk")}


# ---------------------------------------------------------------- writes


def save_new(item: ContentItem, version: ContentVersionItem | None, envelope: EventEnvelope | None) -> None:
    """A new content item, its first version (pending, or current for a link) and its event."""
    with transaction(ContentItem) as write:
        write.save(item, condition=ContentItem.pk.does_not_exist())
        if version is not None:
            write.save(version, condition=ContentVersionItem.pk.does_not_exist())
        if envelope is not None:
            write.save(outbox_item(Outbox, envelope))


def save_item(item: ContentItem, envelope: EventEnvelope | None = None, *,
              partnership: PartnershipViewItem | None = None) -> None:
    """The item (checked against its version) and its event, if any, in one transaction."""
    with concurrent_change_is_a_conflict("the item"), transaction(ContentItem) as write:
        write.save(item)
        if partnership is not None:
            _partnership_open(write, partnership)
        if envelope is not None:
            write.save(outbox_item(Outbox, envelope))


def save_pending_version(item: ContentItem, version: ContentVersionItem,
                         partnership: PartnershipViewItem | None = None) -> None:
    """A pending version; the item's count (version-checked) numbers it, so two uploads never share one."""
    with concurrent_change_is_a_conflict("the item"), transaction(ContentItem) as write:
        write.save(item)
        write.save(version, condition=ContentVersionItem.pk.does_not_exist())
        if partnership is not None:
            _partnership_open(write, partnership)


def save_completed(item: ContentItem, version: ContentVersionItem, envelope: EventEnvelope,
                   partnership: PartnershipViewItem | None = None) -> None:
    """The version made current on its item, and the event, in one transaction; the version must still be
    pending (a second confirmation loses) and the item unchanged since it was read."""
    with concurrent_change_is_a_conflict("the version"), transaction(ContentItem) as write:
        write.save(item)
        write.save(version, condition=ContentVersionItem.completed_at.does_not_exist())
        if partnership is not None:
            _partnership_open(write, partnership)
        write.save(outbox_item(Outbox, envelope))


def delete_with_versions(item: ContentItem, versions: list[ContentVersionItem]) -> None:
    with concurrent_change_is_a_conflict("the item"), transaction(ContentItem) as write:
        write.delete(item, condition=ContentItem.version == item.version)
        for version in versions:
            write.delete(version)


def _partnership_open(write: Any, partnership: PartnershipViewItem) -> None:
    # A partnership archived (or deleted) while the request ran takes no more files.
    write.condition_check(
        PartnershipViewItem, partnership.pk, partnership.sk,
        condition=(PartnershipViewItem.archived == False) & (PartnershipViewItem.deleted == False),  # noqa: E712
    )
