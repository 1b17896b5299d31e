"""HTTP routes of the partner's side: the partnerships the caller's organisation is the partner in."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from partners.logic import partner_view as logic
from partners.models import EntityId, PartnerPartnership
from trellis.api import current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, Page

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
# 50: each page reads its partnerships and vendors in one BatchGetItem (at most 100 keys).
Limit = Annotated[int, Query(ge=1, le=50)]
Cursor = Annotated[str | None, Query(max_length=2048)]


@router.get("/partner/partnerships", summary="Your organisation's partnerships, across vendors",
            tags=["partner"])
def list_partnerships(limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None) -> Page[PartnerPartnership]:
    return logic.list_partnerships(current_principal(router), limit=limit, cursor=cursor)


@router.get("/partner/partnerships/<partnership_id>", summary="One of your organisation's partnerships",
            tags=["partner"])
def get_partnership(partnership_id: PartnershipId) -> PartnerPartnership:
    return logic.get_partnership(current_principal(router), partnership_id)
