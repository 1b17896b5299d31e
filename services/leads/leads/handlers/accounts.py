"""HTTP routes for CRM accounts."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from leads.logic import accounts as logic
from leads.models import Account, AccountCreate, AccountQuery, AccountSort, AccountUpdate, CrmId
from trellis.api import created, current_principal, validated
from trellis.events.crm import LifecycleStage
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()

AccountId = Annotated[CrmId, Path(description="The account's id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=2048)]


@router.post("/accounts", summary="Create a CRM account (one per website domain)", tags=["accounts"])
def create_account(body: AccountCreate) -> Response[Account]:
    return created(logic.create_account(current_principal(router), body))


@router.get("/accounts", summary="List CRM accounts: filter by lifecycle stage or country; sort by name or "
            "creation", tags=["accounts"])
def list_accounts(
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    lifecycle_stage: Annotated[LifecycleStage | None, Query()] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    sort: Annotated[AccountSort, Query()] = "name",
) -> Page[Account]:
    query = validated(AccountQuery, {"lifecycle_stage": lifecycle_stage, "country": country, "sort": sort})
    return logic.list_accounts(current_principal(router), query, limit=limit, cursor=cursor)


@router.get("/accounts/<account_id>", summary="Get a CRM account", tags=["accounts"])
def get_account(account_id: AccountId) -> Account:
    return logic.get_account(current_principal(router), account_id)


@router.patch("/accounts/<account_id>", summary="Change a CRM account (only the fields sent; null clears)",
              tags=["accounts"])
def update_account(account_id: AccountId, body: AccountUpdate) -> Account:
    return logic.update_account(current_principal(router), account_id, body)


@router.delete("/accounts/<account_id>", summary="Delete a CRM account and its contacts", tags=["accounts"])
def delete_account(account_id: AccountId) -> Response[None]:
    logic.delete_account(current_principal(router), account_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)
