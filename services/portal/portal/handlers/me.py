"""HTTP routes about the signed-in portal user."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from portal.logic import me as logic
from portal.models import Me
from trellis.api import current_principal

router = Router()


@router.get("/portal/me", summary="The signed-in user, organisation and roles", tags=["portal"])
def me() -> Me:
    return logic.describe(current_principal(router))
