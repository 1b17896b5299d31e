"""HTTP routes for the partner journey report."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from partners.logic import journey_report as logic
from partners.models import JourneyReport
from trellis.api import current_principal

router = Router()


@router.get(
    "/reports/journey",
    summary="The partner journey: partners per stage, median time in each stage, conversion, time to "
            "first deal (null until the leads service publishes won deals)",
    tags=["reports"],
)
def journey_report() -> JourneyReport:
    return logic.journey_report(current_principal(router))
