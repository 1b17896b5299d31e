"""Lambda entry point: the partners service's own partnership events → journey report aggregates."""

from partners.logic.journey import apply_event
from trellis.consumer import Consumer

# The types the PartnersJourneyEventsRule sends to this consumer's queue (template.yaml).
JOURNEY_EVENTS = (
    "PartnershipCreated", "PartnershipStageChanged", "PartnershipArchived", "PartnershipRestored",
    "PartnershipDeleted",
)

consumer = Consumer("partners-journey", dict.fromkeys(JOURNEY_EVENTS, apply_event))
handler = consumer.lambda_handler
