"""HTTP routes of a partnership's shared files room: either side uploads, lists, downloads and deletes."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from portal.content_models import (
    Download,
    NewVersion,
    PendingVersion,
    SharedFile,
    SharedFileCreate,
    SharedFileCreated,
    SharedFilePage,
)
from portal.logic import content as logic
from portal.models import EntityId
from trellis.api import created, current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
FileId = Annotated[EntityId, Path(description="The shared file's id")]
VersionId = Annotated[EntityId, Path(description="The version's id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=2048)]
VersionParam = Annotated[EntityId | None, Query(description="An older version (default: the current one)")]
TAGS = ["portal"]
FILES = "/portal/partnerships/<partnership_id>/shared-files"


@router.post(FILES, summary="Share a file: answers where to upload it (then complete its version)", tags=TAGS)
def create_shared_file(partnership_id: PartnershipId, body: SharedFileCreate) -> Response[SharedFileCreated]:
    return created(logic.create_shared_file(current_principal(router), partnership_id, body))


@router.get(FILES, summary="The partnership's shared files, newest first", tags=TAGS)
def list_shared_files(partnership_id: PartnershipId, limit: Limit = DEFAULT_PAGE_SIZE,
                      cursor: Cursor = None) -> SharedFilePage:
    return logic.list_shared_files(current_principal(router), partnership_id, cursor, limit)


@router.get(f"{FILES}/<file_id>", summary="A shared file with its versions", tags=TAGS)
def get_shared_file(partnership_id: PartnershipId, file_id: FileId) -> SharedFile:
    return logic.get_shared_file(current_principal(router), partnership_id, file_id)


@router.delete(f"{FILES}/<file_id>",
               summary="Delete a shared file (its uploader's side, or the vendor's managers)", tags=TAGS)
def delete_shared_file(partnership_id: PartnershipId, file_id: FileId) -> Response[None]:
    logic.delete_shared_file(current_principal(router), partnership_id, file_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)


@router.post(f"{FILES}/<file_id>/versions", summary="Upload a new version of a shared file", tags=TAGS)
def add_shared_version(partnership_id: PartnershipId, file_id: FileId,
                       body: NewVersion) -> Response[PendingVersion]:
    return created(logic.add_shared_version(current_principal(router), partnership_id, file_id, body))


@router.post(f"{FILES}/<file_id>/versions/<version_id>/complete",
             summary="Confirm an uploaded version: it becomes the file's current one", tags=TAGS)
def complete_shared_version(partnership_id: PartnershipId, file_id: FileId,
                            version_id: VersionId) -> SharedFile:
    return logic.complete_shared_version(current_principal(router), partnership_id, file_id, version_id)


@router.get(f"{FILES}/<file_id>/download",
            summary="Download a shared file (the current version, or ?version_id=)", tags=TAGS)
def download_shared_file(partnership_id: PartnershipId, file_id: FileId,
                         version_id: VersionParam = None) -> Download:
    return logic.download_shared_file(current_principal(router), partnership_id, file_id, version_id)
