"""The resources, brand and shared files rooms: one machinery of content items with versions.

Decisions:
- Resources and brand assets are the vendor's: vendor writers create them (a file or a link, title,
  description, tags and an :class:`Audience`), vendor roles read them with every version. A partner
  sees, in the room's list and by id, only what is published (has a current version), not archived,
  and admitted by its audience; anything else is 404. The brand room is opened by partner_admin and
  marketing only (logic/access.py); the vendor previews both rooms through any partnership.
- A file version is uploaded straight to S3 (dal/files.py): the API answers a presigned POST fixing
  key, content type and exact size, and the version stays ``pending`` until the uploader confirms it
  (``complete``); the object is then checked (present, same size, same type) before the version
  becomes current. A link's new address is current at once. Each new current version of a resource
  writes ResourcePublished in the same transaction.
- Shared files belong to one partnership; either side uploads (vendor writers, any partner role that
  opens the room). A file without a confirmed version is seen only by its uploader's organisation.
  Either side may add versions; a pending version is confirmed only by the organisation that started
  it. Each confirmed version writes SharedFileUploaded. Deleting: the uploader's side, or a vendor
  writer for any file; the items go in one transaction, the objects after it.
- Versions per item are capped (MAX_VERSIONS) so that one Query reads an item with all of them and one
  transaction deletes them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from portal.content_models import (
    ContentRoom,
    ContentVersion,
    Download,
    FileUpload,
    NewVersion,
    PendingVersion,
    Resource,
    ResourceCreate,
    ResourceCreated,
    ResourcePage,
    ResourceUpdate,
    SharedFile,
    SharedFileCreate,
    SharedFileCreated,
    SharedFilePage,
    Upload,
)
from portal.dal import content as dal
from portal.dal import files
from portal.dal.content import ContentItem, ContentVersionItem
from portal.dal.partnerships import get_program
from portal.dal.tables import ProgramItem
from portal.logic.access import PARTNER_ROOMS, Room, Viewer, enter, vendor_reader, vendor_writer
from portal.models import Audience
from trellis.errors import Conflict, Forbidden, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.portal import ResourcePublished, SharedFileUploaded
from trellis.keys import time_ordered_id
from trellis.pagination import decode_cursor, encode_cursor
from trellis.principal import Principal

ROOMS: dict[str, Room] = {"resources": Room.RESOURCES, "brand": Room.BRAND}
# A list page reads at most this many items per item it returns (hidden ones are skipped): a short
# page with a cursor beats an unbounded read.
READ_FACTOR = 4
# search_hits reads at most this many items of each room (newest first): a bounded answer, not a scan.
SEARCH_READ_PER_ROOM = 200
EXCERPT_LENGTH = 160


# ---------------------------------------------------------------- shapes


def _now() -> datetime:
    return datetime.now(UTC)


def _status(item: ContentItem, version: ContentVersionItem) -> str:
    if version.completed_at is None:
        return "pending"
    return "current" if version.version_id == item.current_version_id else "previous"


def _version_fields(version: ContentVersionItem) -> dict[str, Any]:
    return {
        "version_id": version.version_id, "number": int(version.number), "kind": version.kind,
        "filename": version.filename, "content_type": version.content_type,
        "size": int(version.size) if version.size is not None else None, "url": version.url,
        "object_key": version.object_key, "created_by": version.created_by,
        "created_at": version.created_at.isoformat(),
        "completed_at": version.completed_at.isoformat() if version.completed_at else None,
    }


def _version(item: ContentItem, version: ContentVersionItem) -> ContentVersion:
    fields = _version_fields(version)
    fields.pop("object_key")
    return ContentVersion(**fields, status=_status(item, version))  # type: ignore[arg-type]


def _current(item: ContentItem) -> ContentVersion | None:
    if not item.current:
        return None
    fields = {key: value for key, value in item.current.items() if key != "object_key"}
    return ContentVersion(**fields, status="current")


def _audience(item: ContentItem) -> Audience:
    return Audience.model_validate(item.audience or {})


def _resource(
    item: ContentItem, *, vendor: bool, versions: list[ContentVersionItem] | None = None,
) -> Resource:
    shown = [_version(item, version) for version in versions] if vendor and versions is not None else None
    return Resource(
        resource_id=item.content_id, room=item.room, kind=item.kind,  # type: ignore[arg-type]
        title=item.title, description=item.description or "", tags=list(item.tags or []),
        current_version=_current(item), created_at=item.created_at, updated_at=item.updated_at,
        audience=_audience(item) if vendor else None,
        archived=item.archived_at is not None if vendor else None,
        versions=shown,
    )


def _shared_file(
    item: ContentItem, viewer: Viewer, versions: list[ContentVersionItem] | None = None,
) -> SharedFile:
    shown = None
    if versions is not None:
        shown = [_version(item, version) for version in versions
                 if version.completed_at is not None
                 or version.created_by_organisation_id == viewer.principal.organisation_id]
    return SharedFile(
        file_id=item.content_id, partnership_id=item.partnership_id or "", title=item.title,
        description=item.description or "", tags=list(item.tags or []),
        uploader_side=item.uploader_side,  # type: ignore[arg-type]
        created_by=item.created_by, current_version=_current(item), created_at=item.created_at,
        updated_at=item.updated_at, versions=shown,
    )


def _search_text(title: str, description: str, tags: list[str]) -> str:
    return "\n".join([title, description, *tags]).casefold()


def _excerpt(item: ContentItem) -> str:
    text = " ".join((item.description or item.title).split())
    return text if len(text) <= EXCERPT_LENGTH else text[:EXCERPT_LENGTH - 1].rstrip() + "…"


# ---------------------------------------------------------------- pages


def _page(
    partition: str, *, tenant: str, listing: str, cursor: str | None, limit: int,
    keep: Callable[[ContentItem], bool],
) -> tuple[list[ContentItem], str | None]:
    """Up to ``limit`` kept items of a list partition, newest first, reading at most READ_FACTOR x limit."""
    start = decode_cursor(cursor, tenant_id=tenant, listing=listing)
    kept: list[ContentItem] = []
    items = dal.room_items(partition, start=start, page_size=limit)
    for examined, (item, key) in enumerate(items, start=1):
        if keep(item):
            kept.append(item)
        if len(kept) >= limit or examined >= READ_FACTOR * limit:
            return kept, encode_cursor(key, tenant_id=tenant, listing=listing)
    return kept, None


class _Programs:
    """The vendor's tier order, read once and only if an audience asks for a minimum tier."""

    def __init__(self, vendor_id: str) -> None:
        self.vendor_id = vendor_id
        self._program: ProgramItem | None = None
        self._read = False

    def for_audience(self, audience: Audience) -> ProgramItem | None:
        if audience.min_tier is None:
            return None
        if not self._read:
            self._program, self._read = get_program(self.vendor_id), True
        return self._program


def _published_to(viewer: Viewer, programs: _Programs, room: str) -> Callable[[ContentItem], bool]:
    def visible(item: ContentItem) -> bool:
        if item.room != room or item.archived_at is not None or not item.current_version_id:
            return False
        audience = _audience(item)
        return viewer.sees(audience, programs.for_audience(audience))

    return visible


# ---------------------------------------------------------------- vendor: resources and brand


def _pending(item: ContentItem, principal: Principal, upload: FileUpload, key: str, now: datetime,
             ) -> tuple[ContentVersionItem, PendingVersion]:
    if int(item.version_count or 0) >= dal.MAX_VERSIONS:
        raise Conflict(f"an item keeps at most {dal.MAX_VERSIONS} versions; upload it as a new one")
    item.version_count = int(item.version_count or 0) + 1
    version = dal.new_version(
        item, key.rsplit("/", 1)[-1], number=item.version_count, kind="file", filename=upload.filename,
        content_type=upload.content_type, size=upload.size, object_key=key, created_by=principal.user_id,
        created_by_organisation_id=principal.organisation_id, created_at=now,
    )
    form = files.upload_form(key, content_type=upload.content_type, size=upload.size)
    answer = PendingVersion(version=_version(item, version),
                            upload=Upload(url=form.url, fields=form.fields, expires_at=form.expires_at))
    return version, answer


def _make_current(item: ContentItem, version: ContentVersionItem, now: datetime) -> bool:
    first = item.current_version_id is None
    version.completed_at = now
    item.current_version_id = version.version_id
    item.current = _version_fields(version)
    item.updated_at = now
    return first


def _published(principal: Principal, item: ContentItem, version: ContentVersionItem, first: bool,
               now: datetime) -> EventEnvelope:
    return EventEnvelope.new(
        ResourcePublished(
            resource_id=item.content_id, room=item.room, kind=item.kind,  # type: ignore[arg-type]
            title=item.title, version_id=version.version_id, version_number=int(version.number),
            first_version=first, audience=_audience(item).model_dump(exclude_defaults=True),
        ),
        tenant_id=item.vendor_organisation_id, actor=Actor.of(principal), occurred_at=now,
    )


def create_resource(principal: Principal, request: ResourceCreate) -> ResourceCreated:
    vendor = vendor_writer(principal)
    if request.kind == "link" and (request.url is None or request.file is not None):
        raise ValidationFailed("a link needs its url (and no file)", field="url")
    if request.kind == "file" and (request.file is None or request.url is not None):
        raise ValidationFailed("a file resource needs the file to upload (and no url)", field="file")
    now, resource_id = _now(), time_ordered_id()
    item = dal.new_resource(
        vendor, resource_id, request.room, kind=request.kind, title=request.title,
        description=request.description, tags=request.tags,
        search_text=_search_text(request.title, request.description, request.tags),
        audience=request.audience.model_dump(), created_by=principal.user_id, created_at=now, updated_at=now,
        version_count=0,
    )
    if request.file is not None:
        key = files.resource_key(vendor, resource_id, time_ordered_id())
        version, pending = _pending(item, principal, request.file, key, now)
        dal.save_new(item, version, None)
        return ResourceCreated(resource=_resource(item, vendor=True, versions=[version]), pending=pending)
    item.version_count = 1
    version = dal.new_version(
        item, time_ordered_id(), number=1, kind="link", url=str(request.url), created_by=principal.user_id,
        created_by_organisation_id=vendor, created_at=now,
    )
    _make_current(item, version, now)
    dal.save_new(item, version, _published(principal, item, version, True, now))
    return ResourceCreated(resource=_resource(item, vendor=True, versions=[version]))


def list_vendor_resources(
    principal: Principal, room: ContentRoom | None, archived: bool, cursor: str | None, limit: int,
) -> ResourcePage:
    vendor = vendor_reader(principal)
    room = room or "resources"
    partition = dal.resources_gsi1pk(vendor, room, archived=archived)
    items, next_cursor = _page(partition, tenant=vendor, listing=f"vendor-resources:{room}:{archived}",
                               cursor=cursor, limit=limit, keep=lambda item: True)
    return ResourcePage(items=[_resource(item, vendor=True) for item in items], next_cursor=next_cursor)


def _vendor_resource(vendor: str, resource_id: str) -> tuple[ContentItem, list[ContentVersionItem]]:
    item, versions = dal.with_versions(dal.resource_pk(vendor, resource_id))
    if item is None:
        raise NotFound("no such resource", field="resource_id")
    return item, versions


def get_vendor_resource(principal: Principal, resource_id: str) -> Resource:
    item, versions = _vendor_resource(vendor_reader(principal), resource_id)
    return _resource(item, vendor=True, versions=versions)


def _writable_resource(vendor: str, resource_id: str) -> ContentItem:
    item = dal.get_resource(vendor, resource_id)
    if item is None:
        raise NotFound("no such resource", field="resource_id")
    if item.archived_at is not None:
        raise Conflict("the resource is archived", field="resource_id")
    return item


def update_resource(principal: Principal, resource_id: str, request: ResourceUpdate) -> Resource:
    vendor = vendor_writer(principal)
    item = _writable_resource(vendor, resource_id)
    changes = request.model_dump(exclude_unset=True)
    if not changes:
        return _resource(item, vendor=True)
    for name in ("title", "description", "tags"):
        if name in changes and changes[name] is not None:
            setattr(item, name, changes[name])
    if request.audience is not None:
        item.audience = request.audience.model_dump()
    item.search_text = _search_text(item.title, item.description or "", list(item.tags or []))
    item.updated_at = _now()
    dal.save_item(item)
    return _resource(item, vendor=True)


def archive_resource(principal: Principal, resource_id: str) -> None:
    """Archive (the DELETE route): gone for partners, kept (with its files) for the vendor's records."""
    vendor = vendor_writer(principal)
    item = dal.get_resource(vendor, resource_id)
    if item is None:
        raise NotFound("no such resource", field="resource_id")
    if item.archived_at is None:
        dal.archive(item, _now())
        dal.save_item(item)


def _file_upload(request: NewVersion) -> FileUpload:
    if request.url is not None:
        raise ValidationFailed("the item is a file: send filename, content_type and size", field="url")
    missing = [name for name in ("filename", "content_type", "size") if getattr(request, name) is None]
    if missing:
        raise ValidationFailed("the request has invalid fields", errors=[
            {"field": name, "message": "required for a file"} for name in missing])
    return FileUpload.model_validate(request.model_dump(include={"filename", "content_type", "size"}))


def add_resource_version(principal: Principal, resource_id: str, request: NewVersion) -> PendingVersion:
    """A file: a pending version and where to upload it. A link: its new address, current at once."""
    vendor = vendor_writer(principal)
    item = _writable_resource(vendor, resource_id)
    now = _now()
    if item.kind == "link":
        if request.url is None or request.model_fields_set - {"url"}:
            raise ValidationFailed("the resource is a link: send its new url (only)", field="url")
        if int(item.version_count or 0) >= dal.MAX_VERSIONS:
            raise Conflict(f"an item keeps at most {dal.MAX_VERSIONS} versions; add it as a new one")
        item.version_count = int(item.version_count or 0) + 1
        version = dal.new_version(
            item, time_ordered_id(), number=item.version_count, kind="link", url=str(request.url),
            created_by=principal.user_id, created_by_organisation_id=vendor, created_at=now,
        )
        first = _make_current(item, version, now)
        dal.save_completed(item, version, _published(principal, item, version, first, now))
        return PendingVersion(version=_version(item, version))
    upload = _file_upload(request)
    key = files.resource_key(vendor, resource_id, time_ordered_id())
    version, pending = _pending(item, principal, upload, key, now)
    dal.save_pending_version(item, version)
    return pending


def _check_upload(version: ContentVersionItem) -> None:
    """The object the client was to upload is there, of the size and type it announced (else 4xx)."""
    found = files.stored(version.object_key or "")
    if found is None:
        raise Conflict("nothing was uploaded for this version yet; upload the file first", field="version_id")
    if found.size != int(version.size or 0):
        raise ValidationFailed(f"the uploaded file has {found.size} bytes, not the {version.size} announced",
                               field="size")
    if found.content_type != version.content_type:
        raise ValidationFailed(
            f"the uploaded file is {found.content_type or 'untyped'}, not {version.content_type}",
            field="content_type")


def _pending_version(item: ContentItem, version_id: str, organisation_id: str) -> ContentVersionItem:
    version = dal.get_version(item, version_id)
    if version is None or version.created_by_organisation_id != organisation_id:
        raise NotFound("no such version", field="version_id")
    if version.completed_at is not None:
        raise Conflict("the version is already complete", field="version_id")
    return version


def complete_resource_version(principal: Principal, resource_id: str, version_id: str) -> Resource:
    vendor = vendor_writer(principal)
    item = _writable_resource(vendor, resource_id)
    version = _pending_version(item, version_id, vendor)
    _check_upload(version)
    now = _now()
    first = _make_current(item, version, now)
    dal.save_completed(item, version, _published(principal, item, version, first, now))
    return _resource(item, vendor=True)


def _download(fields: dict[str, Any] | ContentVersionItem) -> Download:
    values = _version_fields(fields) if isinstance(fields, ContentVersionItem) else fields
    if values["kind"] == "link":
        return Download(version_id=values["version_id"], kind="link", url=values["url"], filename=None,
                        expires_at=None)
    url, expires_at = files.download_link(values["object_key"], filename=values["filename"],
                                          content_type=values["content_type"])
    return Download(version_id=values["version_id"], kind="file", url=url, filename=values["filename"],
                    expires_at=expires_at)


def _completed_version(item: ContentItem, version_id: str | None) -> Download:
    if version_id is None or version_id == item.current_version_id:
        if not item.current:
            raise NotFound("the item has no uploaded version yet", field="version_id")
        return _download(item.current)
    version = dal.get_version(item, version_id)
    if version is None or version.completed_at is None:
        raise NotFound("no such version", field="version_id")
    return _download(version)


def vendor_download(principal: Principal, resource_id: str, version_id: str | None) -> Download:
    vendor = vendor_reader(principal)
    item = dal.get_resource(vendor, resource_id)
    if item is None:
        raise NotFound("no such resource", field="resource_id")
    return _completed_version(item, version_id)


# ---------------------------------------------------------------- partners: resources and brand rooms


def list_room(principal: Principal, partnership_id: str, room: ContentRoom, cursor: str | None,
              limit: int) -> ResourcePage:
    viewer = enter(principal, partnership_id, ROOMS[room])
    programs = _Programs(viewer.vendor_id)
    items, next_cursor = _page(
        dal.resources_gsi1pk(viewer.vendor_id, room), tenant=principal.organisation_id,
        listing=f"room:{partnership_id}:{room}", cursor=cursor, limit=limit,
        keep=_published_to(viewer, programs, room),
    )
    return ResourcePage(items=[_resource(item, vendor=False) for item in items], next_cursor=next_cursor)


def _room_resource(principal: Principal, partnership_id: str, room: ContentRoom, resource_id: str,
                   ) -> ContentItem:
    viewer = enter(principal, partnership_id, ROOMS[room])
    item = dal.get_resource(viewer.vendor_id, resource_id)
    if item is None or not _published_to(viewer, _Programs(viewer.vendor_id), room)(item):
        raise NotFound(f"no such {'brand asset' if room == 'brand' else 'resource'}", field="resource_id")
    return item


def get_room_resource(
    principal: Principal, partnership_id: str, room: ContentRoom, resource_id: str,
) -> Resource:
    return _resource(_room_resource(principal, partnership_id, room, resource_id), vendor=False)


def download_room_resource(principal: Principal, partnership_id: str, room: ContentRoom, resource_id: str,
                           ) -> Download:
    item = _room_resource(principal, partnership_id, room, resource_id)
    return _completed_version(item, None)


# ---------------------------------------------------------------- shared files


def _side_sees(viewer: Viewer, item: ContentItem) -> bool:
    """A file is everyone's in the partnership once it has a confirmed version; before, its uploader's."""
    own = item.uploader_organisation_id == viewer.principal.organisation_id
    return item.current_version_id is not None or own


def create_shared_file(
    principal: Principal, partnership_id: str, request: SharedFileCreate,
) -> SharedFileCreated:
    viewer = enter(principal, partnership_id, Room.SHARED_FILES, write=True)
    now, file_id = _now(), time_ordered_id()
    title = request.title or request.filename
    item = dal.new_shared_file(
        viewer.vendor_id, partnership_id, file_id, title=title, description=request.description,
        tags=request.tags, search_text=_search_text(title, request.description, request.tags),
        uploader_side=viewer.side, uploader_organisation_id=principal.organisation_id,
        created_by=principal.user_id, created_at=now, updated_at=now, version_count=0,
    )
    key = files.shared_file_key(viewer.vendor_id, partnership_id, file_id, time_ordered_id())
    upload = FileUpload(filename=request.filename, content_type=request.content_type, size=request.size)
    version, pending = _pending(item, principal, upload, key, now)
    dal.save_new(item, version, None)
    return SharedFileCreated(file=_shared_file(item, viewer, [version]), pending=pending)


def list_shared_files(
    principal: Principal, partnership_id: str, cursor: str | None, limit: int,
) -> SharedFilePage:
    viewer = enter(principal, partnership_id, Room.SHARED_FILES)
    items, next_cursor = _page(
        dal.shared_files_gsi1pk(viewer.vendor_id, partnership_id), tenant=principal.organisation_id,
        listing=f"shared-files:{partnership_id}", cursor=cursor, limit=limit,
        keep=lambda item: _side_sees(viewer, item),
    )
    return SharedFilePage(items=[_shared_file(item, viewer) for item in items], next_cursor=next_cursor)


def _visible_file(viewer: Viewer, file_id: str) -> tuple[ContentItem, list[ContentVersionItem]]:
    item, versions = dal.with_versions(dal.shared_file_pk(viewer.vendor_id, viewer.partnership_id, file_id))
    if item is None or not _side_sees(viewer, item):
        raise NotFound("no such file", field="file_id")
    return item, versions


def get_shared_file(principal: Principal, partnership_id: str, file_id: str) -> SharedFile:
    viewer = enter(principal, partnership_id, Room.SHARED_FILES)
    item, versions = _visible_file(viewer, file_id)
    return _shared_file(item, viewer, versions)


def _file_for_writing(viewer: Viewer, file_id: str) -> ContentItem:
    item = dal.get_shared_file(viewer.vendor_id, viewer.partnership_id, file_id)
    if item is None or not _side_sees(viewer, item):
        raise NotFound("no such file", field="file_id")
    return item


def add_shared_version(principal: Principal, partnership_id: str, file_id: str, request: NewVersion,
                       ) -> PendingVersion:
    viewer = enter(principal, partnership_id, Room.SHARED_FILES, write=True)
    upload = _file_upload(request)
    item = _file_for_writing(viewer, file_id)
    key = files.shared_file_key(viewer.vendor_id, partnership_id, file_id, time_ordered_id())
    version, pending = _pending(item, principal, upload, key, _now())
    dal.save_pending_version(item, version, viewer.view)
    return pending


def complete_shared_version(principal: Principal, partnership_id: str, file_id: str, version_id: str,
                            ) -> SharedFile:
    viewer = enter(principal, partnership_id, Room.SHARED_FILES, write=True)
    item = _file_for_writing(viewer, file_id)
    version = _pending_version(item, version_id, principal.organisation_id)
    _check_upload(version)
    now = _now()
    _make_current(item, version, now)
    event = EventEnvelope.new(
        SharedFileUploaded(
            file_id=file_id, version_id=version_id, version_number=int(version.number), title=item.title,
            filename=version.filename or "", partnership_id=partnership_id,
            company_name=viewer.view.company_name,
            vendor_organisation_id=viewer.vendor_id, partner_organisation_id=viewer.partner_id,
            uploader_side=viewer.side, uploader_user_id=principal.user_id,
        ),
        tenant_id=viewer.vendor_id, actor=Actor.of(principal), occurred_at=now,
    )
    dal.save_completed(item, version, event, viewer.view)
    return _shared_file(item, viewer)


def download_shared_file(principal: Principal, partnership_id: str, file_id: str, version_id: str | None,
                         ) -> Download:
    viewer = enter(principal, partnership_id, Room.SHARED_FILES)
    item = dal.get_shared_file(viewer.vendor_id, partnership_id, file_id)
    if item is None or not _side_sees(viewer, item):
        raise NotFound("no such file", field="file_id")
    return _completed_version(item, version_id)


def delete_shared_file(principal: Principal, partnership_id: str, file_id: str) -> None:
    viewer = enter(principal, partnership_id, Room.SHARED_FILES, write=True)
    item, versions = _visible_file(viewer, file_id)
    if not viewer.as_vendor and item.uploader_side != viewer.side:
        raise Forbidden("only the vendor's managers delete a file the vendor shared")
    dal.delete_with_versions(item, versions)
    files.delete([version.object_key for version in versions if version.object_key])


# ---------------------------------------------------------------- search


def search_hits(viewer: Viewer, terms: list[str]) -> list[dict[str, str]]:
    """Resources, brand assets and shared files the viewer sees whose title, description or tags contain
    every term (case-folded), newest first: ``{"kind", "id", "title", "excerpt"}``.

    Bounded: reads at most SEARCH_READ_PER_ROOM items of each of the three rooms (the newest), so
    older content beyond that is not found; the brand room only for a viewer whose role opens it.
    """
    wanted = [term.casefold() for term in terms if term.strip()]

    def matches(item: ContentItem) -> bool:
        text = item.search_text or _search_text(item.title, item.description or "", list(item.tags or []))
        return all(term in text for term in wanted)

    hits: list[dict[str, str]] = []
    programs = _Programs(viewer.vendor_id)
    rooms: list[tuple[str, str, Callable[[ContentItem], bool]]] = [
        ("resource", dal.resources_gsi1pk(viewer.vendor_id, "resources"),
         _published_to(viewer, programs, "resources")),
    ]
    if viewer.as_vendor or viewer.principal.has_any(PARTNER_ROOMS[Room.BRAND]):
        rooms.append(("brand", dal.resources_gsi1pk(viewer.vendor_id, "brand"),
                      _published_to(viewer, programs, "brand")))
    rooms.append(("shared_file", dal.shared_files_gsi1pk(viewer.vendor_id, viewer.partnership_id),
                  lambda item: _side_sees(viewer, item)))
    for kind, partition, visible in rooms:
        for read, (item, _key) in enumerate(dal.room_items(partition, start=None, page_size=100), start=1):
            if matches(item) and visible(item):
                hits.append({"kind": kind, "id": item.content_id, "title": item.title,
                             "excerpt": _excerpt(item)})
            if read >= SEARCH_READ_PER_ROOM:
                break
    return hits
