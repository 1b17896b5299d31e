"""What can be heard about: notification categories (what users choose channels for) and the event
types an organisation's webhook endpoints subscribe to.

Both are public contracts (the preferences screen lists the categories; webhook consumers code
against the event types), so names never change once published; new ones are added.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal

Channel = Literal["in_app", "email"]
CHANNELS: tuple[Channel, ...] = ("in_app", "email")


@dataclass(frozen=True)
class Category:
    label: str
    description: str
    email_by_default: bool = True


CATEGORIES: Mapping[str, Category] = MappingProxyType({
    "partnership_stage": Category("Partnership stage changes",
                                  "A partnership you follow moved to another stage."),
    "partnership_assignment": Category("Assignments", "You were assigned to look after a partnership."),
    "lead": Category("New leads", "A lead was submitted, sent or attributed to your organisation."),
    "lead_response": Category("Lead responses", "A lead your organisation sent was accepted or declined."),
    "deal": Category("Deals won", "A deal you take part in was won."),
    "commission": Category("Commissions", "A commission was approved or paid out."),
    "message": Category("Messages", "Someone on the other side of a partnership wrote to you."),
    "task": Category("Tasks", "A project task was assigned to you."),
    "certification": Category("Certifications", "Someone in your organisation earned a certification."),
    "integration": Category("Integrations",
                            "A webhook endpoint of your organisation was disabled after failures."),
})

# Event type → what it means, for an organisation's webhook endpoints. An organisation receives an
# event only when it is party to it (the same audience as the in-app notification).
WEBHOOK_EVENT_TYPES: Mapping[str, str] = MappingProxyType({
    "partnership.stage_changed": "A partnership moved to another stage.",
    "partnership.user_assigned": "A user was assigned to a partnership.",
    "lead.received": "A lead was submitted, sent or attributed to the organisation.",
    "lead.accepted": "A lead the organisation sent was accepted.",
    "lead.declined": "A lead the organisation sent was declined.",
    "deal.won": "A deal the organisation takes part in was won.",
    "commission.approved": "A commission of the organisation was approved.",
    "commission.paid": "A payout to the organisation was paid.",
    "message.posted": "A message was posted to the organisation in a partnership.",
    "task.assigned": "A project task was assigned to someone in the organisation.",
    "certification.earned": "Someone in the organisation earned a certification.",
})


@dataclass(frozen=True)
class OutboundEvent:
    """What one organisation's webhook endpoints receive for one bus event.

    ``data`` holds only what that organisation may see (ids and the titles it is shown); it is never
    the raw bus event, which can name other organisations.
    """

    organisation_id: str
    event_type: str  # a key of WEBHOOK_EVENT_TYPES
    event_id: str  # the bus event's id: with the organisation and endpoint, the delivery's identity
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
