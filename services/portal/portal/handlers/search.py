"""HTTP route of the portal's search: one partnership, every room the caller may enter."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from portal.logic import search as logic
from portal.models import EntityId, SearchResults
from trellis.api import current_principal

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
Words = Annotated[str, Query(
    min_length=1, max_length=200, description="Words every hit holds (case-insensitive, 2+ letters each)")]


@router.get("/portal/partnerships/<partnership_id>/search", tags=["portal"],
            summary="Resources, training, projects, messages, leads and deals holding every word of q")
def search(partnership_id: PartnershipId, q: Words) -> SearchResults:
    return logic.search(current_principal(router), partnership_id, q)
