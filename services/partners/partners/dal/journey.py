"""Partner journey aggregates, kept by the journey consumer from the partnership events.

Two kinds of items, in two kinds of partitions:
- ``ORG#<org>#JOURNEY#`` holds only aggregates: per stage one counter item (``STAGE#<stage>#``:
  live partnerships now, ever entered, moved on to a later stage) and a few histogram buckets of
  completed stays (``STAGE#<stage>#HOURS#<bb>#``), plus buckets of times to a first deal
  (``FIRST_DEAL#HOURS#<bb>#``). Its size depends on the number of stages, never on the number of
  partnerships: the report is one Query of it.
- ``ORG#<org>#JOURNEY_PARTNERSHIP#<id>#`` / ``STATE#``: what the consumer knows of one partnership
  (its stage and since when, which stages it entered and moved on from, the last event applied).

Counters and buckets are changed with ADD only (no read-modify-write), in the same transaction as
the partnership's state, which is checked against its version: two deliveries of events of the same
partnership cannot both apply, and events of different partnerships never conflict on a counter.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from partners.dal import program as program_dal
from partners.dal.tables import (
    JourneyDurationItem,
    JourneyPartnershipItem,
    JourneyStageItem,
    PartnersItem,
    ProgramItem,
)
from trellis.dynamo import transaction
from trellis.keys import org_key

STATE_SK = "STATE#"


def journey_pk(organisation_id: str) -> str:
    return org_key(organisation_id, "JOURNEY")


def state_key(organisation_id: str, partnership_id: str) -> tuple[str, str]:
    return org_key(organisation_id, "JOURNEY_PARTNERSHIP", partnership_id), STATE_SK


def stage_sk(stage_id: str) -> str:
    return f"STAGE#{stage_id}#"


def duration_sk(measure: str, stage_id: str | None, bucket: int) -> str:
    prefix = stage_sk(stage_id) if measure == "stage" and stage_id else "FIRST_DEAL#"
    return f"{prefix}HOURS#{bucket:02d}#"


def new_state(organisation_id: str, partnership_id: str, **attributes: object) -> JourneyPartnershipItem:
    return JourneyPartnershipItem(
        *state_key(organisation_id, partnership_id), organisation_id=organisation_id,
        partnership_id=partnership_id, **attributes,
    )


def state_and_program(
    organisation_id: str, partnership_id: str, *, with_program: bool,
) -> tuple[JourneyPartnershipItem | None, ProgramItem | None]:
    """The partnership's journey state, and the program when the pipeline order is needed (one call)."""
    keys = [state_key(organisation_id, partnership_id)]
    if with_program:
        keys.append(program_dal.program_key(organisation_id))
    state, program = None, None
    if len(keys) == 1:
        try:
            found = JourneyPartnershipItem.get(*keys[0])
        except JourneyPartnershipItem.DoesNotExist:
            return None, None
        return (found if isinstance(found, JourneyPartnershipItem) else None), None
    for item in PartnersItem.batch_get(keys):
        if isinstance(item, JourneyPartnershipItem):
            state = item
        elif isinstance(item, ProgramItem):
            program = item
    return state, program


@dataclass
class Deltas:
    """What one event adds to the aggregates."""

    current: Counter[str] = field(default_factory=Counter)
    entered: Counter[str] = field(default_factory=Counter)
    moved_on: Counter[str] = field(default_factory=Counter)
    # (measure, stage or None, bucket) → how many durations fall in it
    durations: Counter[tuple[str, str | None, int]] = field(default_factory=Counter)


def save(state: JourneyPartnershipItem, deltas: Deltas) -> None:
    """The state (checked against its version, or new) and the aggregate changes, in one transaction.

    A concurrent writer of the same state fails the whole transaction (TransactWriteError): the
    consumer reports the record as failed and SQS delivers it again.
    """
    org = state.organisation_id
    pk = journey_pk(org)
    with transaction(JourneyPartnershipItem) as write:
        write.save(state)
        for stage_id in sorted(set(deltas.current) | set(deltas.entered) | set(deltas.moved_on)):
            adds = [(attribute, counter[stage_id]) for attribute, counter in (
                (JourneyStageItem.current, deltas.current), (JourneyStageItem.entered, deltas.entered),
                (JourneyStageItem.moved_on, deltas.moved_on)) if counter[stage_id]]
            if not adds:
                continue
            write.update(JourneyStageItem(pk, stage_sk(stage_id)), actions=[
                JourneyStageItem.entity.set(JourneyStageItem), JourneyStageItem.stage_id.set(stage_id),
                *(attribute.add(amount) for attribute, amount in adds),
            ])
        for (measure, measured_stage, bucket), amount in sorted(deltas.durations.items(), key=str):
            if not amount:
                continue
            actions = [
                JourneyDurationItem.entity.set(JourneyDurationItem), JourneyDurationItem.measure.set(measure),
                JourneyDurationItem.bucket.set(bucket), JourneyDurationItem.count.add(amount),
            ]
            if measured_stage is not None:
                actions.append(JourneyDurationItem.stage_id.set(measured_stage))
            bucket_item = JourneyDurationItem(pk, duration_sk(measure, measured_stage, bucket))
            write.update(bucket_item, actions=actions)


def aggregates(organisation_id: str) -> tuple[list[JourneyStageItem], list[JourneyDurationItem]]:
    """Every aggregate of the organisation's journey: one Query (paged by PynamoDB if it ever must be)."""
    stages: list[JourneyStageItem] = []
    durations: list[JourneyDurationItem] = []
    for item in PartnersItem.query(journey_pk(organisation_id)):
        if isinstance(item, JourneyStageItem):
            stages.append(item)
        elif isinstance(item, JourneyDurationItem):
            durations.append(item)
    return stages, durations
