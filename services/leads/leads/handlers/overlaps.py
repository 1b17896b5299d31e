"""HTTP routes for account overlaps and the organisation's sharing level."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from leads.logic import overlaps as logic
from leads.models import AccountOverlaps, AccountSharing
from trellis.api import current_principal
from trellis.fields import EntityId

router = Router()


@router.get("/accounts/<account_id>/overlaps",
            summary="Partners who also hold this customer (as both sides share)", tags=["accounts"])
def account_overlaps(account_id: Annotated[EntityId, Path()]) -> AccountOverlaps:
    return logic.account_overlaps(current_principal(router), account_id)


@router.get("/account-sharing", summary="How much of my accounts my partners see in overlaps",
            tags=["accounts"])
def get_sharing() -> AccountSharing:
    return logic.get_sharing(current_principal(router))


@router.put("/account-sharing", summary="Share none, counts or names of my accounts with my partners",
            tags=["accounts"])
def put_sharing(request: AccountSharing) -> AccountSharing:
    return logic.put_sharing(current_principal(router), request)
