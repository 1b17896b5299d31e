"""Organisation, people and invitation events of the partners service (source ``trellis.partners``).

The accept token on the bus
---------------------------
``TeammateInvited``, ``PartnerInvited`` and ``InvitationResent`` carry ``accept_token``: the one-time
secret the invitee's email links to. The partners table keeps only its SHA-256 hash, so after the
request that minted it nobody - not even the partners service - can produce it again; a
notifications service that had to "fetch the token" could not. The alternatives were worse: the
partners service sending email itself (a second owner of email, preferences and SES), or keeping
the plain token at rest in the table.

The cost: the token sits in the outbox item (TTL), in the bus archive (30 days) and in the
notifications queue. What bounds the damage of a leak from there:

- it is one-time and expires (7 days by default); a resend or a revoke kills it at once, so an
  archive replayed after that carries dead tokens;
- accepting creates the invited person's Trellis user with the invited email, but signing in still
  needs the identity provider's account, which the identity-sync consumer creates for that email
  (Cognito mails the temporary password to the address itself), so the token alone is no login;
- consumers must never log ``accept_token`` (the notifications consumer logs ids only).

If that is not enough for an installation, encrypt ``accept_token`` with a KMS key only the
notifications role may decrypt; the field stays a string.

Identity sync
-------------
``InvitationAccepted``, ``UserRolesChanged`` and ``UserRemoved`` name the user (id, organisation,
email) whose Cognito login the partners service's identity-sync consumer keeps in step
(partners.logic.identity): created with the user id in ``custom:user_id`` (Cognito picks ``sub``
itself; the principal prefers ``custom:user_id``), the organisation in ``custom:org_id`` and the
roles in ``custom:roles``; updated on role changes; disabled and signed out on removal. No event
ever carries a password: Cognito mails the temporary one to the address itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar, Literal

from pydantic import Field

from trellis.events.envelope import EventData

SOURCE = "trellis.partners"

InvitationKind = Literal["teammate", "partner"]


class TeammateInvited(EventData):
    """An admin invited someone to join their own organisation."""

    event_type: ClassVar[str] = "TeammateInvited"
    source: ClassVar[str] = SOURCE

    invitation_id: str
    organisation_id: str
    organisation_name: str
    email: str
    name: str | None = None
    roles: list[str]
    invited_by_user_id: str
    expires_at: datetime
    accept_token: str = Field(description="One-time secret for the accept link; never log it")


class PartnerInvited(EventData):
    """A vendor invited a partner company's contact to the partner portal (tenant: the vendor)."""

    event_type: ClassVar[str] = "PartnerInvited"
    source: ClassVar[str] = SOURCE

    invitation_id: str
    partnership_id: str
    vendor_organisation_id: str
    vendor_organisation_name: str
    company_name: str
    email: str
    name: str | None = None
    roles: list[str] = Field(default_factory=list)
    invited_by_user_id: str
    expires_at: datetime
    accept_token: str = Field(description="One-time secret for the accept link; never log it")


class InvitationResent(EventData):
    """A pending invitation got a new token and expiry; the previous token no longer works."""

    event_type: ClassVar[str] = "InvitationResent"
    source: ClassVar[str] = SOURCE

    invitation_id: str
    kind: InvitationKind
    organisation_id: str
    organisation_name: str
    partnership_id: str | None = None
    company_name: str | None = None
    email: str
    name: str | None = None
    expires_at: datetime
    accept_token: str = Field(description="One-time secret for the accept link; never log it")


class InvitationRevoked(EventData):
    event_type: ClassVar[str] = "InvitationRevoked"
    source: ClassVar[str] = SOURCE

    invitation_id: str
    kind: InvitationKind
    organisation_id: str
    partnership_id: str | None = None
    email: str


class InvitationAccepted(EventData):
    """Someone accepted an invitation and is now a user (tenant: the organisation they joined)."""

    event_type: ClassVar[str] = "InvitationAccepted"
    source: ClassVar[str] = SOURCE

    invitation_id: str
    kind: InvitationKind
    organisation_id: str
    user_id: str
    email: str
    name: str
    roles: list[str]
    # Partner invitations: the vendor whose program the partner joined.
    vendor_organisation_id: str | None = None
    partnership_id: str | None = None


class PartnerJoined(EventData):
    """A partnership's partner company now has its own organisation (tenant: the vendor)."""

    event_type: ClassVar[str] = "PartnerJoined"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str
    partner_organisation_id: str
    organisation_created: bool
    user_id: str
    email: str
    vendor_organisation_name: str | None = None


class UserRegistered(EventData):
    """A user written directly by an operator (an organisation's first administrator, the demo), not
    through an invitation. With ``InvitationAccepted`` it is how other services learn who exists."""

    event_type: ClassVar[str] = "UserRegistered"
    source: ClassVar[str] = SOURCE

    user_id: str
    organisation_id: str
    email: str
    name: str
    roles: list[str]


class UserRolesChanged(EventData):
    event_type: ClassVar[str] = "UserRolesChanged"
    source: ClassVar[str] = SOURCE

    user_id: str
    organisation_id: str
    email: str
    from_roles: list[str]
    to_roles: list[str]


class UserRemoved(EventData):
    """A user left the organisation; their past activity stays, attributed to their id."""

    event_type: ClassVar[str] = "UserRemoved"
    source: ClassVar[str] = SOURCE

    user_id: str
    organisation_id: str
    email: str


_EXPIRES = datetime(2025, 1, 8, 12, 0, tzinfo=UTC)
_TOKEN = "acme.q4Gk0sM2v2bq3wPZ1r6bq8xgq1Yk0f4mX1mR8d9ZQ0s"  # noqa: S105 - an example  # nosec B105

EVENTS: tuple[type[EventData], ...] = (
    TeammateInvited,
    PartnerInvited,
    InvitationResent,
    InvitationRevoked,
    InvitationAccepted,
    PartnerJoined,
    UserRegistered,
    UserRolesChanged,
    UserRemoved,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    return (
        TeammateInvited(
            invitation_id="01735000000000a1b2c3d4e5f6a", organisation_id="acme", organisation_name="Acme",
            email="dana@acme.example", name="Dana", roles=["partner_manager"], invited_by_user_id="u-ana",
            expires_at=_EXPIRES, accept_token=_TOKEN,
        ),
        PartnerInvited(
            invitation_id="01735000000000b1b2c3d4e5f6a", partnership_id="7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00",
            vendor_organisation_id="acme", vendor_organisation_name="Acme",
            company_name="Northwind Consulting",
            email="sally@northwind.example", name="Sally", roles=[], invited_by_user_id="u-ana",
            expires_at=_EXPIRES, accept_token=_TOKEN,
        ),
        InvitationResent(
            invitation_id="01735000000000a1b2c3d4e5f6a", kind="teammate", organisation_id="acme",
            organisation_name="Acme", email="dana@acme.example", name="Dana", expires_at=_EXPIRES,
            accept_token=_TOKEN,
        ),
        InvitationRevoked(
            invitation_id="01735000000000a1b2c3d4e5f6a", kind="teammate", organisation_id="acme",
            email="dana@acme.example",
        ),
        InvitationAccepted(
            invitation_id="01735000000000b1b2c3d4e5f6a", kind="partner",
            organisation_id="3b1f0c2d4e5f60718293a4b5c6d7e8f9", user_id="9a8b7c6d5e4f30211203f4e5d6c7b8a9",
            email="sally@northwind.example", name="Sally", roles=["partner_admin"],
            vendor_organisation_id="acme", partnership_id="7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00",
        ),
        PartnerJoined(
            partnership_id="7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00", company_name="Northwind Consulting",
            partner_organisation_id="3b1f0c2d4e5f60718293a4b5c6d7e8f9", organisation_created=True,
            user_id="9a8b7c6d5e4f30211203f4e5d6c7b8a9", email="sally@northwind.example",
        ),
        UserRegistered(user_id="u-ana", organisation_id="acme", email="ana@acme.example", name="Ana",
                       roles=["admin"]),
        UserRolesChanged(
            user_id="u-ben", organisation_id="acme", email="ben@acme.example", from_roles=["partner_manager"],
            to_roles=["admin", "partner_manager"],
        ),
        UserRemoved(user_id="u-ben", organisation_id="acme", email="ben@acme.example"),
    )
