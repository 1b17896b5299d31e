"""ICP and custom fields: definitions per organisation, ICP and values per partnership.

The only module that knows their keys. Profile items live in the partnership's collection with
sort keys after ``PARTNERSHIP#`` (see ``tables``), so the activity query never meets them.
"""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError

from partners.dal import partnerships
from partners.dal.tables import (
    CustomFieldItem,
    CustomFieldKeyItem,
    FieldValuesItem,
    IcpItem,
    Outbox,
    PartnershipItem,
    PartnersItem,
)
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.errors import Conflict
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

ICP_SK = "PROFILE#ICP#"
FIELD_VALUES_SK = "PROFILE#FIELDS#"
FIELD_PREFIX = "FIELD#"


def custom_fields_pk(organisation_id: str) -> str:
    return org_key(organisation_id, "CUSTOM_FIELDS")


def _field_sk(field_id: str) -> str:
    return f"{FIELD_PREFIX}{field_id}#"


def _key_sk(key: str) -> str:
    return f"KEY#{key}#"


# ---------------------------------------------------------------- partnership profiles


def get_with_partnership(
    organisation_id: str, partnership_id: str, profile: type[IcpItem] | type[FieldValuesItem],
) -> tuple[PartnershipItem | None, IcpItem | FieldValuesItem | None]:
    """The partnership and one of its profile items, in one BatchGetItem."""
    pk = partnerships.partnership_pk(organisation_id, partnership_id)
    sk = ICP_SK if profile is IcpItem else FIELD_VALUES_SK
    return partnerships.get_with(organisation_id, partnership_id, (pk, sk), profile)


def get_icp(partnership: PartnershipItem) -> IcpItem | None:
    try:
        item = IcpItem.get(partnership.pk, ICP_SK)
    except IcpItem.DoesNotExist:
        return None
    return item if isinstance(item, IcpItem) else None


def get_field_values(partnership: PartnershipItem) -> FieldValuesItem | None:
    try:
        item = FieldValuesItem.get(partnership.pk, FIELD_VALUES_SK)
    except FieldValuesItem.DoesNotExist:
        return None
    return item if isinstance(item, FieldValuesItem) else None


def new_icp(partnership: PartnershipItem) -> IcpItem:
    return IcpItem(
        pk=partnership.pk, sk=ICP_SK, organisation_id=partnership.organisation_id,
        partnership_id=partnership.partnership_id,
    )


def new_field_values(partnership: PartnershipItem) -> FieldValuesItem:
    return FieldValuesItem(
        pk=partnership.pk, sk=FIELD_VALUES_SK, organisation_id=partnership.organisation_id,
        partnership_id=partnership.partnership_id, values={},
    )


def save_profile_with_event(
    partnership: PartnershipItem, item: IcpItem | FieldValuesItem, activity: partnerships.Activity,
    envelope: EventEnvelope,
) -> None:
    """The profile item (version-checked), its activity entry and event in one transaction.

    The transaction also checks that the partnership still exists and is not archived, so an
    archive landing between the read and the write makes this a conflict, not a lost rule.
    """
    what = "ICP" if isinstance(item, IcpItem) else "partnership's custom fields"
    with concurrent_change_is_a_conflict(f"the {what}"), transaction(PartnersItem) as write:
        write.condition_check(
            PartnershipItem, partnership.pk, partnership.sk,
            condition=PartnershipItem.pk.exists() & PartnershipItem.archived_at.does_not_exist(),
        )
        write.save(item)
        org, partnership_id = partnership.organisation_id, partnership.partnership_id
        write.save(partnerships.activity_item(org, partnership_id, activity))
        write.save(outbox_item(Outbox, envelope))


# ---------------------------------------------------------------- custom field definitions


def list_fields(organisation_id: str) -> list[CustomFieldItem]:
    """Every field of the organisation, oldest first (ids are time-ordered); one Query, all pages."""
    result = PartnersItem.query(
        custom_fields_pk(organisation_id), PartnersItem.sk.startswith(FIELD_PREFIX),
    )
    return [item for item in result if isinstance(item, CustomFieldItem)]


def get_field(organisation_id: str, field_id: str) -> CustomFieldItem | None:
    try:
        item = CustomFieldItem.get(custom_fields_pk(organisation_id), _field_sk(field_id))
    except CustomFieldItem.DoesNotExist:
        return None
    return item if isinstance(item, CustomFieldItem) else None


def new_field(organisation_id: str, field_id: str) -> CustomFieldItem:
    return CustomFieldItem(
        pk=custom_fields_pk(organisation_id), sk=_field_sk(field_id), organisation_id=organisation_id,
        field_id=field_id,
    )


class KeyTaken(Conflict):
    pass


def create_field_with_event(item: CustomFieldItem, envelope: EventEnvelope) -> None:
    """The field and the claim on its key, both on condition they are new, with the event."""
    claim = CustomFieldKeyItem(pk=item.pk, sk=_key_sk(item.key), field_id=item.field_id)
    try:
        with transaction(PartnersItem) as write:
            write.save(item, condition=CustomFieldItem.pk.does_not_exist())
            write.save(claim, condition=CustomFieldKeyItem.pk.does_not_exist())
            write.save(outbox_item(Outbox, envelope))
    except TransactWriteError as error:
        reasons = [reason.code if reason else None for reason in error.cancellation_reasons or []]
        if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
            raise KeyTaken(f"a custom field with the key {item.key!r} exists", field="key") from error
        if set(reasons) & {"ConditionalCheckFailed", "TransactionConflict"}:
            raise Conflict("the custom fields were changed by someone else; try again") from error
        raise


def update_field_with_event(item: CustomFieldItem, envelope: EventEnvelope) -> None:
    with concurrent_change_is_a_conflict("the custom field"), transaction(PartnersItem) as write:
        write.save(item)  # version-checked
        write.save(outbox_item(Outbox, envelope))


def delete_field_with_event(item: CustomFieldItem, envelope: EventEnvelope) -> None:
    """The field and its key claim go together (the key is free again), with the event."""
    claim = CustomFieldKeyItem(pk=item.pk, sk=_key_sk(item.key))
    with concurrent_change_is_a_conflict("the custom field"), transaction(PartnersItem) as write:
        write.delete(item)  # version-checked
        write.delete(claim)
        write.save(outbox_item(Outbox, envelope))
