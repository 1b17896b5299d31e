"""HTTP routes for custom fields: definitions, values on a partnership, and the partner's side."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from partners.logic import custom_fields as logic
from partners.models import (
    CustomField,
    CustomFieldCreate,
    CustomFieldUpdate,
    EntityId,
    FieldValuesUpdate,
    PartnerFieldValuesUpdate,
    PartnerPartnershipCustomFields,
    PartnershipCustomFields,
)
from trellis.api import created, current_principal

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
FieldId = Annotated[EntityId, Path(description="The custom field's id")]


@router.get("/custom-fields", summary="The organisation's custom fields, oldest first",
            tags=["custom fields"])
def list_fields() -> list[CustomField]:
    return logic.list_fields(current_principal(router))


@router.post("/custom-fields", summary="Define a custom field (admin)", tags=["custom fields"])
def define_field(body: CustomFieldCreate) -> Response[CustomField]:
    return created(logic.define_field(current_principal(router), body))


@router.put("/custom-fields/<field_id>", summary="Change a custom field's label, rules or options (admin)",
            tags=["custom fields"])
def update_field(field_id: FieldId, body: CustomFieldUpdate) -> CustomField:
    return logic.update_field(current_principal(router), field_id, body)


@router.delete("/custom-fields/<field_id>", summary="Remove a custom field; its values are hidden (admin)",
               tags=["custom fields"])
def remove_field(field_id: FieldId) -> Response[None]:
    logic.remove_field(current_principal(router), field_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)


@router.get("/partnerships/<partnership_id>/custom-fields", summary="A partnership's custom field values",
            tags=["custom fields"])
def get_values(partnership_id: PartnershipId) -> PartnershipCustomFields:
    return logic.get_values(current_principal(router), partnership_id)


@router.put("/partnerships/<partnership_id>/custom-fields",
            summary="Set custom field values of a partnership (keys left out keep theirs)",
            tags=["custom fields"])
def save_values(partnership_id: PartnershipId, body: FieldValuesUpdate) -> PartnershipCustomFields:
    return logic.save_values(current_principal(router), partnership_id, body)


@router.get("/partner/partnerships/<partnership_id>/custom-fields",
            summary="The shared custom fields of a partnership, as its partner sees them", tags=["partner"])
def get_partner_values(partnership_id: PartnershipId) -> PartnerPartnershipCustomFields:
    return logic.get_partner_values(current_principal(router), partnership_id)


@router.put("/partner/partnerships/<partnership_id>/custom-fields",
            summary="Set shared custom field values as the partner (partner_admin)", tags=["partner"])
def save_partner_values(
    partnership_id: PartnershipId, body: PartnerFieldValuesUpdate,
) -> PartnerPartnershipCustomFields:
    return logic.save_partner_values(current_principal(router), partnership_id, body)
