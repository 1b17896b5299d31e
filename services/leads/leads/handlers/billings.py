"""HTTP routes for billings: revenue recorded against a deal by its owner, read by the deal's parties."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from leads.logic import billings as logic
from leads.models import Billing, BillingCreate, EntityId
from trellis.api import created, current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()

TAGS = ["billings"]


@router.post("/billings", summary="Record revenue billed on a deal (the deal's owner)", tags=TAGS)
def record_billing(body: BillingCreate) -> Response[Billing]:
    return created(logic.record_billing(current_principal(router), body))


@router.get("/billings",
            summary="A deal's billings, newest first (the vendor, the owner, the deal's partners)", tags=TAGS)
def list_billings(
    deal_id: Annotated[EntityId, Query(description="The deal")],
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[Billing]:
    return logic.list_billings(current_principal(router), deal_id, limit=limit, cursor=cursor)
