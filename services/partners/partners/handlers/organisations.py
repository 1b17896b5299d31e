"""HTTP routes for the caller's organisation and its people."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from partners.logic import organisations as logic
from partners.models import EntityId, OrganisationProfile, OrganisationUser, RolesChange
from trellis.api import current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()

UserId = Annotated[EntityId, Path(description="The user's id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=2048)]


@router.get("/organisation", summary="The caller's organisation", tags=["organisation"])
def get_organisation() -> OrganisationProfile:
    return logic.get_profile(current_principal(router))


@router.get("/organisation/users", summary="The organisation's users", tags=["organisation"])
def list_users(limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None) -> Page[OrganisationUser]:
    return logic.list_users(current_principal(router), limit=limit, cursor=cursor)


@router.put("/organisation/users/<user_id>/roles", summary="Replace a user's roles (admins)",
            tags=["organisation"])
def change_roles(user_id: UserId, body: RolesChange) -> OrganisationUser:
    return logic.change_roles(current_principal(router), user_id, body)


@router.delete("/organisation/users/<user_id>", summary="Remove a user from the organisation (admins)",
               tags=["organisation"])
def remove_user(user_id: UserId) -> Response[None]:
    logic.remove_user(current_principal(router), user_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)
