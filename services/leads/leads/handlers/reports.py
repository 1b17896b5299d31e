"""HTTP routes of the reports: the distribution network and partner performance."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from leads.logic import reports as logic
from leads.models import (
    DistributionNetworkReport,
    Month,
    NetworkQuery,
    PartnerPerformanceReport,
    PerformanceQuery,
    ReportStatus,
    TierId,
)
from trellis.api import current_principal, validated
from trellis.fields import EntityId

router = Router()
TAGS = ["reports"]
From = Annotated[Month | None, Query(alias="from",
                                     description="First month (YYYY-MM); default: 11 before `to`")]
To = Annotated[Month | None, Query(alias="to", description="Last month (YYYY-MM), at most 24 after `from`; "
                                                           "default: this month")]
DistributorId = Annotated[EntityId | None, Query(description="One distributor's network")]
Tier = Annotated[TierId | None, Query(description="Partners in this tier now (vendor only)")]
Status = Annotated[ReportStatus | None, Query(
    description="Only partners with leads (pending, accepted, declined) or deals (open, won, lost) in it")]


@router.get("/reports/distribution-network", tags=TAGS,
            summary="Lead flow, conversion and reseller performance per distributor (vendor, or a "
                    "distributor for its own network)")
def distribution_network(
    from_month: From = None, to_month: To = None, distributor_id: DistributorId = None,
    reseller_id: Annotated[EntityId | None, Query(description="One reseller (partner)")] = None,
    tier: Tier = None, status: Status = None,
) -> DistributionNetworkReport:
    query = validated(NetworkQuery, {
        "from": from_month, "to": to_month, "distributor_id": distributor_id, "reseller_id": reseller_id,
        "tier": tier, "status": status,
    })
    return logic.distribution_network(current_principal(router), query)


@router.get("/reports/partner-performance", tags=TAGS,
            summary="Pipeline, won revenue, deals won and conversion per partner, tier and month (vendor)")
def partner_performance(
    from_month: From = None, to_month: To = None, distributor_id: DistributorId = None,
    partnership_id: Annotated[EntityId | None, Query(description="One partner")] = None,
    tier: Tier = None, status: Status = None,
) -> PartnerPerformanceReport:
    query = validated(PerformanceQuery, {
        "from": from_month, "to": to_month, "distributor_id": distributor_id,
        "partnership_id": partnership_id, "tier": tier, "status": status,
    })
    return logic.partner_performance(current_principal(router), query)
