"""The partner journey's aggregates, kept by the journey consumer (the report reads them: journey_report.py).

Aggregates (see dal/journey.py) are updated from the partners service's own events
(PartnershipCreated / StageChanged / Archived / Restored / Deleted) by the journey consumer, each
event once (idempotent on its id). Delivery is unordered: per partnership the consumer keeps the
``occurred_at`` of the last event it applied and ignores older ones, so a late event never moves
a partnership back; what it would have told (e.g. how long the skipped stay was) is then lost, never
counted twice.

Measures:
- partners per stage: live partnerships in the stage now (archiving takes one out, restoring puts
  it back, deleting an archived one changes nothing);
- median time in a stage: over completed stays (the stay ended by a stage change), from a
  histogram of hours with buckets √2 apart; time while archived is not counted;
- conversion of stage N: of the partnerships that ever entered N, how many later reached a stage
  after N in the pipeline (as ordered when they moved);
- time to first deal: from the partnership's creation to its first won deal, from the leads
  service's ``DealWon`` events (the deal's ``partnership_id``: the partner or reseller whose deal it
  is). A partnership counts in the ``FIRST_DEAL#HOURS#<bb>#`` buckets once both its creation and a
  won deal are known; an earlier won deal arriving late moves it to the right bucket.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime

from partners.dal import journey as dal
from partners.dal.tables import JourneyPartnershipItem, ProgramItem
from partners.logic.pipeline import stage_ids
from trellis.events import EventData, EventEnvelope
from trellis.events.leads import DealWon
from trellis.events.partners import (
    PartnershipArchived,
    PartnershipCreated,
    PartnershipDeleted,
    PartnershipRestored,
    PartnershipStageChanged,
)

# ---------------------------------------------------------------- the histogram
#
# Bucket 0 holds stays under an hour; bucket k (1..32) holds [2^((k-1)/2), 2^(k/2)) hours; the last
# bucket everything from 2^16 hours (~7.5 years) on. 34 buckets at most per stage, whatever the
# number of partnerships; the median read from them is within a factor √2 (and interpolated inside).

BUCKETS = 34
_LAST = BUCKETS - 1


def bucket_of(hours: float) -> int:
    if hours < 1:
        return 0
    bucket = min(math.floor(2 * math.log2(hours)) + 1, _LAST)
    # log2 of an exact power may come out a hair off: the bounds decide, not the float.
    if bucket > 1 and hours < bucket_bounds(bucket)[0]:
        bucket -= 1
    upper = bucket_bounds(bucket)[1]
    if upper is not None and hours >= upper:
        bucket += 1
    return bucket


def bucket_bounds(bucket: int) -> tuple[float, float | None]:
    """[lower, upper) hours of a bucket (upper None for the last one)."""
    if bucket == 0:
        return 0.0, 1.0
    lower = 2 ** ((bucket - 1) / 2)
    return lower, (None if bucket == _LAST else 2 ** (bucket / 2))


def median_hours(counts: Mapping[int, int]) -> float | None:
    """The median of the durations a histogram holds, interpolated within its bucket (None if empty)."""
    total = sum(count for count in counts.values() if count > 0)
    if total == 0:
        return None
    half, seen = total / 2, 0
    for bucket in sorted(counts):
        count = counts[bucket]
        if count <= 0:
            continue
        if seen + count >= half:
            fraction = (half - seen) / count
            lower, upper = bucket_bounds(bucket)
            if upper is None:
                return round(lower, 2)
            if bucket == 0:
                return round(upper * fraction, 2)
            return round(lower * (upper / lower) ** fraction, 2)  # geometric: the buckets are
        seen += count
    return None  # unreachable: the counts add up to total


# ---------------------------------------------------------------- the consumer side


def _positions(settings: ProgramItem | None) -> dict[str, int]:
    return {stage_id: index for index, stage_id in enumerate(stage_ids(settings))}


def _hours(seconds: float) -> float:
    return max(seconds, 0.0) / 3600


def _enter(
    state: JourneyPartnershipItem, stage: str, at: datetime, deltas: dal.Deltas,
    positions: Mapping[str, int] | None,
) -> None:
    """The partnership is now in ``stage``: count it there, as having entered it, and as having
    moved on from every earlier stage it entered."""
    entered = list(state.entered or [])
    if stage not in entered:
        deltas.entered[stage] += 1
        entered.append(stage)
    if positions is not None and stage in positions:
        moved_on = list(state.moved_on or [])
        for earlier in entered:
            if earlier not in moved_on and earlier in positions and positions[earlier] < positions[stage]:
                deltas.moved_on[earlier] += 1
                moved_on.append(earlier)
        state.moved_on = moved_on
    state.entered = entered
    state.stage, state.seconds_in_stage = stage, 0
    state.stage_entered_at = None if state.archived else at
    if not state.archived:
        deltas.current[stage] += 1


def _leave(state: JourneyPartnershipItem, at: datetime, deltas: dal.Deltas, *, completed: bool) -> None:
    """The partnership leaves its stage: it no longer counts there; a completed stay is measured."""
    if state.stage is None:
        return
    if not state.archived:
        deltas.current[state.stage] -= 1
    seconds = float(state.seconds_in_stage or 0)
    if not completed or (state.stage_entered_at is None and not seconds):
        return  # not a stay we saw begin: its length is unknown
    if state.stage_entered_at is not None and not state.archived:
        seconds += (at - state.stage_entered_at).total_seconds()
    deltas.durations[("stage", state.stage, bucket_of(_hours(seconds)))] += 1


def apply_event(envelope: EventEnvelope, data: EventData) -> None:
    """Fold one partnership event into the journey aggregates (once; older than the last applied: ignored)."""
    partnership_id: str = data.partnership_id  # type: ignore[attr-defined]
    org, at = envelope.tenant_id, envelope.occurred_at
    moves = isinstance(data, PartnershipStageChanged)
    state, settings = dal.state_and_program(org, partnership_id, with_program=moves)
    if state is not None and (state.deleted or state.last_event_id == envelope.id or at < state.last_seen_at):
        return
    state = state if state is not None else dal.new_state(org, partnership_id, last_seen_at=at,
                                                          last_event_id=envelope.id)
    deltas = dal.Deltas()
    if isinstance(data, PartnershipCreated):
        if state.created_at is None and state.first_deal_at is not None:
            hours = _hours((state.first_deal_at - at).total_seconds())
            deltas.durations[("first_deal", None, bucket_of(hours))] += 1
        state.created_at = state.created_at or at
        if state.stage is None:
            _enter(state, data.stage, at, deltas, positions=None)
    elif isinstance(data, PartnershipStageChanged):
        positions = _positions(settings)
        if state.stage is None:
            # Its earlier events are not here (yet): it was in from_stage, since when is unknown.
            _enter(state, data.from_stage, at, deltas, positions)
            state.stage_entered_at = None
        completed = state.stage == data.from_stage
        _leave(state, at, deltas, completed=completed)
        _enter(state, data.to_stage, at, deltas, positions)
    elif isinstance(data, PartnershipArchived):
        if not state.archived:
            if state.stage is not None:
                deltas.current[state.stage] -= 1
                if state.stage_entered_at is not None:
                    state.seconds_in_stage = float(state.seconds_in_stage or 0) + max(
                        (at - state.stage_entered_at).total_seconds(), 0)
            state.archived, state.stage_entered_at = True, None
    elif isinstance(data, PartnershipRestored):
        if state.archived:
            state.archived = False
            if state.stage is not None:
                deltas.current[state.stage] += 1
                state.stage_entered_at = at
    elif isinstance(data, PartnershipDeleted):
        if state.stage is not None and not state.archived:
            deltas.current[state.stage] -= 1
        state.deleted = True
    state.last_seen_at, state.last_event_id = at, envelope.id
    dal.save(state, deltas)


_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def apply_deal_won(envelope: EventEnvelope, data: EventData) -> None:
    """A partner's deal was won: the partnership's first won deal is the earliest such date."""
    assert isinstance(data, DealWon)
    deal = data.deal
    if deal.source != "partner" or deal.partnership_id is None:
        return  # an internal deal: no partner's journey
    org, won = envelope.tenant_id, deal.won_at or envelope.occurred_at
    state, _ = dal.state_and_program(org, deal.partnership_id, with_program=False)
    if state is None:
        # The partnership's own events are not here yet: remember the deal, count it on creation.
        state = dal.new_state(org, deal.partnership_id, last_seen_at=_NEVER, last_event_id="-")
    if state.deleted or (state.first_deal_at is not None and state.first_deal_at <= won):
        return
    deltas = dal.Deltas()
    if state.created_at is not None:
        if state.first_deal_at is not None:
            before = _hours((state.first_deal_at - state.created_at).total_seconds())
            deltas.durations[("first_deal", None, bucket_of(before))] -= 1
        after = _hours((won - state.created_at).total_seconds())
        deltas.durations[("first_deal", None, bucket_of(after))] += 1
    state.first_deal_at = won
    dal.save(state, deltas)
