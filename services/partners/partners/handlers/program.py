"""HTTP routes for the vendor's program settings (stage pipeline, tiers, categories, tags)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from partners.logic import program as logic
from partners.models import Program, ProgramListName, ProgramListUpdate
from trellis.api import current_principal

router = Router()


@router.get("/program", summary="The program settings: stage pipeline, tiers, categories, tags",
            tags=["program"])
def get_program() -> Program:
    return logic.get_program(current_principal(router))


@router.put("/program/<list_name>", summary="Save one list of the program settings as a whole",
            tags=["program"])
def replace_list(list_name: Annotated[ProgramListName, Path()], body: ProgramListUpdate) -> Program:
    return logic.replace_list(current_principal(router), list_name, body)
