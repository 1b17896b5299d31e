"""The partner journey report: partners per stage, conversion, time in stage, time to first deal.

It reads the aggregates the journey consumer keeps (journey.py says what each measure counts).
"""

from __future__ import annotations

from partners.dal import journey as dal
from partners.dal import program as program_dal
from partners.logic import program
from partners.logic.journey import median_hours
from partners.models import JourneyReport, StageJourney, TimeToFirstDeal
from trellis.principal import VENDOR_ROLES, Principal


def journey_report(principal: Principal) -> JourneyReport:
    principal.require_any(VENDOR_ROLES)
    org = principal.organisation_id
    settings = program_dal.get(org)
    stage_items, duration_items = dal.aggregates(org)
    counters = {item.stage_id: item for item in stage_items}
    histograms: dict[str | None, dict[int, int]] = {}
    deals: dict[int, int] = {}
    for item in duration_items:
        target = deals if item.measure == "first_deal" else histograms.setdefault(item.stage_id, {})
        target[int(item.bucket)] = int(item.count or 0)
    pipeline = program.entries(settings, "stages")
    stages = []
    for index, stage in enumerate(pipeline):
        counter = counters.get(stage.id)
        entered = int(counter.entered or 0) if counter is not None else 0
        moved_on = int(counter.moved_on or 0) if counter is not None else 0
        histogram = histograms.get(stage.id, {})
        last = index == len(pipeline) - 1
        stages.append(StageJourney(
            stage_id=stage.id, name=stage.name,
            partners=max(int(counter.current or 0), 0) if counter is not None else 0,
            entered=entered, moved_on=moved_on,
            next_stage_id=None if last else pipeline[index + 1].id,
            conversion_rate=round(moved_on / entered, 4) if entered and not last else None,
            completed_stays=sum(histogram.values()),
            median_hours_in_stage=median_hours(histogram),
        ))
    deal_hours = median_hours(deals)
    return JourneyReport(stages=stages, time_to_first_deal=TimeToFirstDeal(
        partnerships_with_a_deal=sum(deals.values()),
        median_days=round(deal_hours / 24, 2) if deal_hours is not None else None,
    ))
