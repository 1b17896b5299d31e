"""Invitation reads and writes. The only module that knows the invitation keys.

All of an organisation's invitations share one collection (``ORG#<org>#INVITATIONS#``): teammate
invitations sort under ``TEAM#``, a partnership's under ``PARTNERSHIP#<id>#INVITATION#``, so each
listing is one Query. The one-time token is found through gsi1 by the hash of the token only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model

from partners.dal.tables import InvitationItem, Outbox, PartnershipItem, PartnersItem, UserEmailItem
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.errors import Conflict
from trellis.events import EventEnvelope
from trellis.keys import key, org_key
from trellis.outbox import outbox_item

TOKEN_SK = "TOKEN#"  # noqa: S105 - a sort key, not a secret  # nosec B105


class InvitationGone(Exception):
    """The invitation changed (used, revoked, renewed) between reading it and writing."""


def invitations_pk(organisation_id: str) -> str:
    return org_key(organisation_id, "INVITATIONS")


def teammate_prefix() -> str:
    return "TEAM#"


def partnership_prefix(partnership_id: str) -> str:
    return key("PARTNERSHIP", partnership_id, "INVITATION")


def invitation_sk(invitation_id: str, partnership_id: str | None) -> str:
    if partnership_id is None:
        return key("TEAM", invitation_id)
    return partnership_prefix(partnership_id) + key(invitation_id)


def token_pk(organisation_id: str, token_hash: str) -> str:
    return org_key(organisation_id, "INVITATION_TOKEN", token_hash)


def set_token(item: InvitationItem, token_hash: str) -> None:
    item.token_hash = token_hash
    item.gsi1pk = token_pk(item.organisation_id, token_hash)
    item.gsi1sk = TOKEN_SK


def new_item(
    organisation_id: str, invitation_id: str, *, token_hash: str, **attributes: Any,
) -> InvitationItem:
    item = InvitationItem(
        pk=invitations_pk(organisation_id),
        sk=invitation_sk(invitation_id, attributes.get("partnership_id")),
        organisation_id=organisation_id,
        invitation_id=invitation_id,
        token_hash=token_hash,
        **attributes,
    )
    set_token(item, token_hash)
    return item


def get(organisation_id: str, invitation_id: str, partnership_id: str | None) -> InvitationItem | None:
    try:
        item = InvitationItem.get(
            invitations_pk(organisation_id), invitation_sk(invitation_id, partnership_id),
        )
    except InvitationItem.DoesNotExist:
        return None
    return item if isinstance(item, InvitationItem) else None


def find_by_token(organisation_id: str, token_hash: str) -> InvitationItem | None:
    """One Query of gsi1 on the token's hash (the index may lag: the write re-checks the version)."""
    result = InvitationItem.gsi1.query(
        token_pk(organisation_id, token_hash), InvitationItem.gsi1sk == TOKEN_SK,
    )
    for item in result:
        if isinstance(item, InvitationItem):
            return item
    return None


def list_page(
    organisation_id: str, prefix: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[InvitationItem], Any]:
    result = InvitationItem.query(
        invitations_pk(organisation_id), InvitationItem.sk.startswith(prefix), scan_index_forward=False,
        limit=limit, last_evaluated_key=start,
    )
    return [item for item in result if isinstance(item, InvitationItem)], result.last_evaluated_key


def save_with_event(
    item: InvitationItem, envelope: EventEnvelope, *, is_new: bool, also: Sequence[Model] = (),
    open_partnership: PartnershipItem | None = None,
) -> None:
    """Write the invitation (version-checked), anything written with it and its event in one transaction.

    ``open_partnership``: the partnership must still exist and not be archived when this commits.
    """
    condition = InvitationItem.pk.does_not_exist() if is_new else None
    with concurrent_change_is_a_conflict("the invitation or its partnership"), \
            transaction(PartnersItem) as write:
        write.save(item, condition=condition)
        for extra in also:
            write.save(extra)
        if open_partnership is not None:
            write.condition_check(
                PartnershipItem, open_partnership.pk, open_partnership.sk,
                condition=PartnershipItem.pk.exists() & PartnershipItem.archived_at.does_not_exist(),
            )
        write.save(outbox_item(Outbox, envelope))


def accept(
    invitation: InvitationItem, *, puts: Sequence[Model], saves: Sequence[Model] = (),
    checks: Sequence[tuple[type[Model], str, str, Any]] = (), envelopes: Sequence[EventEnvelope],
) -> None:
    """Mark the invitation used and write everything accepting it makes, with its events, at once.

    ``puts`` are new items (must not exist yet); ``saves`` are version-checked updates of items read.
    Raises :class:`InvitationGone` when the invitation was used, revoked or renewed meanwhile, and
    :class:`Conflict` when something else it relies on changed - among them the claim of the new
    user's email (``UserEmailItem``), taken when another acceptance for the same address committed
    first.
    """
    try:
        with transaction(PartnersItem) as write:
            write.save(invitation)  # first: its cancellation reason is reasons[0]
            for item in puts:  # then the puts, in order: reasons[1 + i] is puts[i]'s
                write.save(item, condition=type(item).pk.does_not_exist())  # type: ignore[attr-defined]
            for item in saves:
                write.save(item)
            for model, hash_key, range_key, condition in checks:
                write.condition_check(model, hash_key, range_key, condition=condition)
            for envelope in envelopes:
                write.save(outbox_item(Outbox, envelope))
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            raise InvitationGone from error
        for item, reason in zip(puts, reasons[1:], strict=False):
            taken = reason is not None and reason.code == "ConditionalCheckFailed"
            if taken and isinstance(item, UserEmailItem):
                raise Conflict("someone with this email already is a user of the organisation") from error
        codes = {reason.code for reason in reasons if reason}
        if codes & {"ConditionalCheckFailed", "TransactionConflict"}:
            raise Conflict("the partnership changed meanwhile; try again") from error
        raise
