"""HTTP routes for lead routing: partnerships suggested for a lead's customer, by ICP fit."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from leads.logic import routing as logic
from leads.models import RoutingSuggestions, SuggestionsRequest
from trellis.api import current_principal

router = Router()


@router.post("/routing/suggestions", summary="Partnerships ranked by how well their ICP fits a lead",
             tags=["routing"])
def suggest_partners(body: SuggestionsRequest) -> RoutingSuggestions:
    return logic.suggest(current_principal(router), body)
