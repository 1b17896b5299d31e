"""Who hears about what: one table from event type to the notices it produces.

Issue #5 grows this table (leads, deals, commissions, messages…); each rule is a small function
from the event to the notices, so the table stays readable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from trellis.events import EventEnvelope
from trellis.events.partners import PartnershipStageChanged, PartnershipUserAssigned


@dataclass(frozen=True)
class Notice:
    organisation_id: str
    user_id: str
    category: str
    title: str
    body: str
    link: str | None


def _stage_changed(envelope: EventEnvelope, data: PartnershipStageChanged) -> list[Notice]:
    # The person who moved the partnership does not need to be told about it.
    recipients = [user for user in data.assigned_user_ids if user != envelope.actor.user_id]
    return [
        Notice(
            organisation_id=envelope.tenant_id,
            user_id=user_id,
            category="partnership_stage",
            title=f"{data.company_name} moved to {data.to_stage}",
            body=f"{data.company_name} moved from {data.from_stage} to {data.to_stage}.",
            link=f"/partnerships/{data.partnership_id}",
        )
        for user_id in dict.fromkeys(recipients)
    ]


def _user_assigned(envelope: EventEnvelope, data: PartnershipUserAssigned) -> list[Notice]:
    if data.user_id == envelope.actor.user_id:
        return []  # assigned themself
    return [Notice(
        organisation_id=envelope.tenant_id,
        user_id=data.user_id,
        category="partnership_assignment",
        title=f"You now look after {data.company_name}",
        body=f"You were assigned to the partnership with {data.company_name}.",
        link=f"/partnerships/{data.partnership_id}",
    )]


RULES: Mapping[str, Callable[[EventEnvelope, Any], list[Notice]]] = {
    PartnershipStageChanged.event_type: _stage_changed,
    PartnershipUserAssigned.event_type: _user_assigned,
}
