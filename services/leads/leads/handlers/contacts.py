"""HTTP routes for CRM contacts: the people of an account."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from leads.logic import contacts as logic
from leads.models import Contact, ContactCreate, ContactUpdate, CrmId
from trellis.api import created, current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()

AccountId = Annotated[CrmId, Path(description="The account's id")]
ContactId = Annotated[CrmId, Path(description="The contact's id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=2048)]


@router.post("/accounts/<account_id>/contacts", summary="Add a contact to an account", tags=["contacts"])
def create_contact(account_id: AccountId, body: ContactCreate) -> Response[Contact]:
    return created(logic.create_contact(current_principal(router), account_id, body))


@router.get("/accounts/<account_id>/contacts", summary="An account's contacts", tags=["contacts"])
def list_account_contacts(
    account_id: AccountId, limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None,
) -> Page[Contact]:
    return logic.list_account_contacts(current_principal(router), account_id, limit=limit, cursor=cursor)


@router.get("/contacts", summary="Every contact of my organisation, newest first", tags=["contacts"])
def list_contacts(limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None) -> Page[Contact]:
    return logic.list_contacts(current_principal(router), limit=limit, cursor=cursor)


@router.get("/accounts/<account_id>/contacts/<contact_id>", summary="Get a contact", tags=["contacts"])
def get_contact(account_id: AccountId, contact_id: ContactId) -> Contact:
    return logic.get_contact(current_principal(router), account_id, contact_id)


@router.patch("/accounts/<account_id>/contacts/<contact_id>",
              summary="Change a contact (only the fields sent; null clears)", tags=["contacts"])
def update_contact(account_id: AccountId, contact_id: ContactId, body: ContactUpdate) -> Contact:
    return logic.update_contact(current_principal(router), account_id, contact_id, body)


@router.delete("/accounts/<account_id>/contacts/<contact_id>", summary="Delete a contact", tags=["contacts"])
def delete_contact(account_id: AccountId, contact_id: ContactId) -> Response[None]:
    logic.delete_contact(current_principal(router), account_id, contact_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)
