"""HTTP routes of the resources and brand rooms: the vendor manages its content, partners read and download
it."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from portal.content_models import (
    ContentRoom,
    Download,
    NewVersion,
    PendingVersion,
    Resource,
    ResourceCreate,
    ResourceCreated,
    ResourcePage,
    ResourceUpdate,
)
from portal.logic import content as logic
from portal.models import EntityId
from trellis.api import created, current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
ResourceId = Annotated[EntityId, Path(description="The resource's (or brand asset's) id")]
VersionId = Annotated[EntityId, Path(description="The version's id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=2048)]
VersionParam = Annotated[EntityId | None, Query(description="An older version (default: the current one)")]
VENDOR_TAGS = ["portal-content"]
TAGS = ["portal"]


# ---------------------------------------------------------------- vendor


@router.post("/portal/vendor/resources",
             summary="Create a resource or brand asset: a link, or a file (answers where to upload it)",
             tags=VENDOR_TAGS)
def create_resource(body: ResourceCreate) -> Response[ResourceCreated]:
    return created(logic.create_resource(current_principal(router), body))


@router.get("/portal/vendor/resources", summary="The vendor's resources (or ?room=brand), newest first",
            tags=VENDOR_TAGS)
def list_vendor_resources(
    room: Annotated[ContentRoom | None, Query()] = None, archived: Annotated[bool, Query()] = False,
    limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None,
) -> ResourcePage:
    return logic.list_vendor_resources(current_principal(router), room, archived, cursor, limit)


@router.get("/portal/vendor/resources/<resource_id>", summary="A resource with all its versions",
            tags=VENDOR_TAGS)
def get_vendor_resource(resource_id: ResourceId) -> Resource:
    return logic.get_vendor_resource(current_principal(router), resource_id)


@router.patch("/portal/vendor/resources/<resource_id>",
              summary="Change a resource's title, description, tags or audience", tags=VENDOR_TAGS)
def update_resource(resource_id: ResourceId, body: ResourceUpdate) -> Resource:
    return logic.update_resource(current_principal(router), resource_id, body)


@router.delete("/portal/vendor/resources/<resource_id>",
               summary="Archive a resource: partners no longer see it", tags=VENDOR_TAGS)
def archive_resource(resource_id: ResourceId) -> Response[None]:
    logic.archive_resource(current_principal(router), resource_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)


@router.post("/portal/vendor/resources/<resource_id>/versions",
             summary="A new version: a file (pending until uploaded and completed) or a link's new url",
             tags=VENDOR_TAGS)
def add_resource_version(resource_id: ResourceId, body: NewVersion) -> Response[PendingVersion]:
    return created(logic.add_resource_version(current_principal(router), resource_id, body))


@router.post("/portal/vendor/resources/<resource_id>/versions/<version_id>/complete",
             summary="Confirm an uploaded file: it becomes the current version", tags=VENDOR_TAGS)
def complete_resource_version(resource_id: ResourceId, version_id: VersionId) -> Resource:
    return logic.complete_resource_version(current_principal(router), resource_id, version_id)


@router.get("/portal/vendor/resources/<resource_id>/download",
            summary="Download a version of a resource (the current one, or ?version_id=)", tags=VENDOR_TAGS)
def vendor_download(resource_id: ResourceId, version_id: VersionParam = None) -> Download:
    return logic.vendor_download(current_principal(router), resource_id, version_id)


# ---------------------------------------------------------------- partners: resources room


@router.get("/portal/partnerships/<partnership_id>/resources",
            summary="The resources the caller sees in a partnership, newest first", tags=TAGS)
def list_resources(partnership_id: PartnershipId, limit: Limit = DEFAULT_PAGE_SIZE,
                   cursor: Cursor = None) -> ResourcePage:
    return logic.list_room(current_principal(router), partnership_id, "resources", cursor, limit)


@router.get("/portal/partnerships/<partnership_id>/resources/<resource_id>", summary="One resource",
            tags=TAGS)
def get_resource(partnership_id: PartnershipId, resource_id: ResourceId) -> Resource:
    return logic.get_room_resource(current_principal(router), partnership_id, "resources", resource_id)


@router.get("/portal/partnerships/<partnership_id>/resources/<resource_id>/download",
            summary="Download a resource's current version", tags=TAGS)
def download_resource(partnership_id: PartnershipId, resource_id: ResourceId) -> Download:
    return logic.download_room_resource(current_principal(router), partnership_id, "resources", resource_id)


# ---------------------------------------------------------------- partners: brand room


@router.get("/portal/partnerships/<partnership_id>/brand",
            summary="The brand assets the caller sees in a partnership, newest first", tags=TAGS)
def list_brand_assets(partnership_id: PartnershipId, limit: Limit = DEFAULT_PAGE_SIZE,
                      cursor: Cursor = None) -> ResourcePage:
    return logic.list_room(current_principal(router), partnership_id, "brand", cursor, limit)


@router.get("/portal/partnerships/<partnership_id>/brand/<resource_id>", summary="One brand asset", tags=TAGS)
def get_brand_asset(partnership_id: PartnershipId, resource_id: ResourceId) -> Resource:
    return logic.get_room_resource(current_principal(router), partnership_id, "brand", resource_id)


@router.get("/portal/partnerships/<partnership_id>/brand/<resource_id>/download",
            summary="Download a brand asset's current version", tags=TAGS)
def download_brand_asset(partnership_id: PartnershipId, resource_id: ResourceId) -> Download:
    return logic.download_room_resource(current_principal(router), partnership_id, "brand", resource_id)
