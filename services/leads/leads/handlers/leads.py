"""HTTP routes for leads."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from leads.logic import leads as logic
from leads.models import Lead
from trellis.api import current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()


@router.get("/leads", summary="My organisation's leads, newest first", tags=["leads"])
def list_leads(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[Lead]:
    return logic.list_leads(current_principal(router), limit=limit, cursor=cursor)
