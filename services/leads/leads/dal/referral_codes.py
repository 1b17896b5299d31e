"""Referral codes, their cross-tenant lookup rows, and the public form's rate counters and used tokens.
The only module that knows their keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from leads.dal.tables import (
    FormTokenUseItem,
    LeadsItem,
    Outbox,
    RateCounterItem,
    ReferralCodeItem,
    ReferralCodeLookupItem,
)
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.keys import key, org_key
from trellis.outbox import outbox_item

CODE_SK = "CODE#"
LOOKUP_SK = "REFCODE#"
TOKEN_SK = "TOKEN#"  # noqa: S105 - a key prefix  # nosec B105


class CodeTaken(Exception):
    """The generated code exists already (in any program): draw another."""


class LimitReached(Exception):
    def __init__(self, which: str):
        super().__init__(which)
        self.which = which  # "code" or "address"


class TokenUsed(Exception):
    pass


def code_pk(vendor_id: str, partnership_id: str) -> str:
    return org_key(vendor_id, "CODE", partnership_id)


def lookup_pk(code: str) -> str:
    return key("REFCODE", code)


def get_code(vendor_id: str, partnership_id: str) -> ReferralCodeItem | None:
    try:
        return ReferralCodeItem.get(code_pk(vendor_id, partnership_id), CODE_SK, consistent_read=True)
    except ReferralCodeItem.DoesNotExist:
        return None


def lookup(code: str) -> ReferralCodeLookupItem | None:
    try:
        return ReferralCodeLookupItem.get(lookup_pk(code), LOOKUP_SK, consistent_read=True)
    except ReferralCodeLookupItem.DoesNotExist:
        return None


def _first_check_failed(error: TransactWriteError) -> bool:
    reasons = error.cancellation_reasons or []
    return bool(reasons) and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed"


def _revoke_lookup(batch: TransactWrite, code: str, now: datetime) -> None:
    batch.update(
        ReferralCodeLookupItem(lookup_pk(code), LOOKUP_SK),
        actions=[ReferralCodeLookupItem.status.set("revoked"), ReferralCodeLookupItem.revoked_at.set(now)],
        condition=ReferralCodeLookupItem.pk.exists(),
    )


def issue(
    *, vendor_id: str, partnership_id: str, partner_organisation_id: str, code: str, now: datetime,
    previous: ReferralCodeItem | None, envelopes: Sequence[EventEnvelope],
) -> ReferralCodeItem:
    """The partnership's new code, its lookup row (only if no program ever had that code) and the previous
    code revoked: one transaction. Raises CodeTaken when the code exists already."""
    item = ReferralCodeItem(
        code_pk(vendor_id, partnership_id), CODE_SK, vendor_organisation_id=vendor_id,
        partnership_id=partnership_id, partner_organisation_id=partner_organisation_id, code=code,
        status="active", issued_at=now, revoked_at=None, version=(previous.version + 1) if previous else 1,
    )
    try:
        with transaction(LeadsItem) as batch:
            # the first put (PynamoDB sends puts first, in order): its cancellation reason tells a taken
            # code from a concurrent change
            batch.save(ReferralCodeLookupItem(
                lookup_pk(code), LOOKUP_SK, code=code, vendor_organisation_id=vendor_id,
                partnership_id=partnership_id, partner_organisation_id=partner_organisation_id,
                status="active", issued_at=now,
            ), condition=ReferralCodeLookupItem.pk.does_not_exist())
            batch.save(item, condition=ReferralCodeItem.pk.does_not_exist() if previous is None
                       else ReferralCodeItem.version == previous.version)
            if previous is not None and previous.status == "active":
                _revoke_lookup(batch, previous.code, now)
            for envelope in envelopes:
                batch.save(outbox_item(Outbox, envelope))
    except TransactWriteError as error:
        if _first_check_failed(error):
            raise CodeTaken(code) from error
        with concurrent_change_is_a_conflict("the referral code"):
            raise
    return item


def revoke(current: ReferralCodeItem, now: datetime, envelope: EventEnvelope) -> None:
    with concurrent_change_is_a_conflict("the referral code"), transaction(LeadsItem) as batch:
        batch.update(ReferralCodeItem(current.pk, CODE_SK), actions=[
            ReferralCodeItem.status.set("revoked"), ReferralCodeItem.revoked_at.set(now),
            ReferralCodeItem.version.set(current.version + 1),
        ], condition=ReferralCodeItem.version == current.version)
        _revoke_lookup(batch, current.code, now)
        batch.save(outbox_item(Outbox, envelope))


# ---------------------------------------------------------------- public form: limits and used tokens


def count_submission(
    vendor_id: str, *, window: str, code: str, address: str, code_limit: int, address_limit: int,
    window_ends: datetime, token_nonce: str, token_expires: datetime, now: datetime,
) -> None:
    """Count a submission against the code's and the address's limits of this window and spend its form
    token, all or nothing. Raises LimitReached (nothing counted) or TokenUsed."""
    pk = org_key(vendor_id, "CODE", "RATE", window)
    counters = ((key("CODE", code), code_limit), (key("IP", address), address_limit))
    try:
        with transaction(LeadsItem) as batch:
            for sk, limit in counters:
                batch.update(RateCounterItem(pk, sk), actions=[
                    RateCounterItem.entity.set(RateCounterItem),
                    RateCounterItem.count.add(1), RateCounterItem.expires_at.set(window_ends),
                ], condition=RateCounterItem.count.does_not_exist() | (RateCounterItem.count < limit))
            token = FormTokenUseItem(org_key(vendor_id, "CODE", "TOKEN", token_nonce), TOKEN_SK, used_at=now,
                                     expires_at=token_expires)
            batch.save(token, condition=FormTokenUseItem.pk.does_not_exist())
    except TransactWriteError as error:
        # PynamoDB sends a transaction's puts before its updates: the token, then the two counters.
        failed = [bool(reason and reason.code == "ConditionalCheckFailed")
                  for reason in error.cancellation_reasons or []]
        if failed[1:2] == [True]:
            raise LimitReached("code") from error
        if failed[2:3] == [True]:
            raise LimitReached("address") from error
        if failed[:1] == [True]:
            raise TokenUsed() from error
        with concurrent_change_is_a_conflict("the referral form's counters"):
            raise
