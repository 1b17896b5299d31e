"""Lambda entry point: the partners service's people events → Cognito logins, a removed user's assignments."""

from partners.logic import identity
from trellis.consumer import Consumer
from trellis.events import EventEnvelope
from trellis.events.organisations import InvitationAccepted, UserRemoved, UserRolesChanged

# Leave this much of the invocation for the last page's transaction and the batch response.
SAFETY_SECONDS = 8.0


def _has_time() -> bool:
    remaining = consumer.remaining_seconds()
    return remaining is None or remaining > SAFETY_SECONDS


def _user_removed(envelope: EventEnvelope, data: UserRemoved) -> None:
    identity.user_removed(envelope, data, has_time=_has_time)


# The types the PartnersIdentityEventsRule sends to this consumer's queue (template.yaml).
consumer = Consumer("partners-identity", {
    InvitationAccepted: identity.user_joined_or_changed,
    UserRolesChanged: identity.user_joined_or_changed,
    UserRemoved: _user_removed,
})
handler = consumer.lambda_handler
