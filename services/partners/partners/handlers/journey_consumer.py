"""Lambda entry point: the partners service's own partnership events → journey report aggregates."""

from partners.logic.journey import apply_deal_won, apply_event
from trellis.consumer import Consumer
from trellis.events.leads import DealWon
from trellis.events.partners import (
    PartnershipArchived,
    PartnershipCreated,
    PartnershipDeleted,
    PartnershipRestored,
    PartnershipStageChanged,
)

# The partnership events the PartnersJourneyEventsRule sends to this consumer's queue (template.yaml).
JOURNEY_EVENTS = (
    PartnershipCreated, PartnershipStageChanged, PartnershipArchived, PartnershipRestored, PartnershipDeleted,
)

# And from the leads service: a partner's won deal (time to first deal).
consumer = Consumer("partners-journey", {
    **dict.fromkeys(JOURNEY_EVENTS, apply_event), DealWon: apply_deal_won,
})
handler = consumer.lambda_handler
