"""Custom fields: an organisation's definitions, and their values on each partnership.

Decisions (see also docs in the models):
- Definitions are organisation configuration: every vendor role reads them, only ``admin``
  defines, changes or removes them (the seed's "admin or partnerships role" is about values).
- A field's key and type never change (a new type would strand every stored value): the update
  model has no such fields, so sending them is a 422 naming them. Define a new field instead.
- Removing an option does not rewrite stored values (that would mean reading every partnership):
  a value holding it is still shown, and must be a current option the next time it is written.
- Removing a field deletes only the definition and its key claim. Values are stored by field id,
  so they are hidden at once, dropped from a partnership the next time its values are saved, and
  a field defined later with the same key starts empty.
- Values: vendor writers (``admin``, ``partner_manager``) write any field; on the partner side,
  every partner role reads the shared fields and ``partner_admin`` writes them. Standard fields
  do not exist for the partner: writing one is 422 "no such custom field", like any unknown key.
- Required fields must have a value after every save of the values the writer can see (a
  partner is never asked for a standard field). Saving unchanged values writes nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Literal

from partners.dal import partnerships as partnerships_dal
from partners.dal import profiles as dal
from partners.dal.tables import CustomFieldItem, FieldValuesItem, PartnershipItem
from partners.logic.partnerships import writable_partnership
from partners.models import (
    MAX_CUSTOM_FIELDS,
    CustomField,
    CustomFieldCreate,
    CustomFieldUpdate,
    CustomFieldValue,
    FieldValuesUpdate,
    PartnerCustomFieldValue,
    PartnerFieldValuesUpdate,
    PartnerPartnershipCustomFields,
    PartnershipCustomFields,
)
from trellis.errors import Conflict, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.profiles import (
    CustomFieldDefined,
    CustomFieldDefinition,
    CustomFieldRemoved,
    CustomFieldUpdated,
    FieldValue,
    PartnershipCustomFieldsUpdated,
    SharedFieldChange,
)
from trellis.keys import time_ordered_id
from trellis.principal import PARTNER_ROLES, VENDOR_ROLES, Principal, Role

FIELD_ADMINS = frozenset({Role.ADMIN})
PARTNER_FIELD_WRITERS = frozenset({Role.PARTNER_ADMIN})
SELECT_TYPES = frozenset({"single_select", "multi_select"})

MAX_TEXT_LENGTH = 2000
# Numbers keep 15 significant digits: every such number survives JSON, Python floats and
# DynamoDB's decimal numbers unchanged (0.1 + 0.2 is stored as 0.3).
MAX_NUMBER = 10**15
# DynamoDB stores no number closer to 0 than this but 0 itself (a smaller one fails the whole write).
MIN_NUMBER_MAGNITUDE = 1e-130
_SIGNIFICANT_DIGITS = 15
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Text may span lines; other control characters are refused.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ACTIVITY_VALUE_LENGTH = 200


# ---------------------------------------------------------------- value rules


def parse_value(field_type: str, options: Sequence[str], raw: Any) -> FieldValue:
    """A client's value for a field of this type, normalised for storage; ValueError says why not.

    ``None`` (and blank text, an empty selection) means "no value".
    """
    if raw is None:
        return None
    if field_type == "text":
        if not isinstance(raw, str):
            raise ValueError("must be text")
        text = raw.strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError(f"must be at most {MAX_TEXT_LENGTH} characters")
        if _CONTROL.search(text):
            raise ValueError("must not contain control characters")
        return text or None
    if field_type == "number":
        return _number(raw)
    if field_type == "date":
        if not isinstance(raw, str) or not _DATE.match(raw):
            raise ValueError("must be a date as YYYY-MM-DD")
        try:
            date.fromisoformat(raw)
        except ValueError:
            raise ValueError("must be a real calendar date as YYYY-MM-DD") from None
        return raw
    if field_type == "single_select":
        if not isinstance(raw, str) or raw not in options:
            raise ValueError(f"must be one of the options: {', '.join(options)}")
        return raw
    if field_type == "multi_select":
        if not isinstance(raw, list) or not all(isinstance(choice, str) for choice in raw):
            raise ValueError("must be a list of options")
        unknown = [choice for choice in raw if choice not in options]
        if unknown:
            raise ValueError(f"not among the options: {', '.join(unknown)}")
        if len(set(raw)) != len(raw):
            raise ValueError("must not name an option twice")
        chosen = set(raw)
        return [option for option in options if option in chosen] or None
    raise ValueError(f"unknown field type {field_type!r}")


def _number(raw: Any) -> int | float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError("must be a number")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ValueError("must be a finite number")
    if abs(raw) > MAX_NUMBER:
        raise ValueError(f"must be between -{MAX_NUMBER} and {MAX_NUMBER}")
    if isinstance(raw, int):
        return raw
    rounded = float(f"{raw:.{_SIGNIFICANT_DIGITS}g}")
    if rounded != 0 and abs(rounded) < MIN_NUMBER_MAGNITUDE:
        raise ValueError(f"must be 0 or at least {MIN_NUMBER_MAGNITUDE:g} away from 0")
    return int(rounded) if rounded.is_integer() else rounded


def _check_options(field_type: str, options: Sequence[str]) -> None:
    if field_type in SELECT_TYPES and not options:
        raise ValidationFailed("a select field needs at least one option", field="options")
    if field_type not in SELECT_TYPES and options:
        raise ValidationFailed(f"a {field_type} field has no options", field="options")


# ---------------------------------------------------------------- definitions


def _definition(item: CustomFieldItem) -> CustomFieldDefinition:
    return CustomFieldDefinition(
        field_id=item.field_id, key=item.key, label=item.label, type=item.field_type,  # type: ignore[arg-type]
        required=bool(item.required), visibility=item.visibility,  # type: ignore[arg-type]
        options=list(item.options or []), help_text=item.help_text,
    )


def _field_view(item: CustomFieldItem) -> CustomField:
    definition = _definition(item)
    return CustomField(
        id=item.field_id, key=item.key, label=item.label, type=definition.type, required=definition.required,
        visibility=definition.visibility, options=definition.options, help_text=item.help_text,
        version=int(item.version or 1), created_at=item.created_at, updated_at=item.updated_at,
    )


def list_fields(principal: Principal) -> list[CustomField]:
    principal.require_any(VENDOR_ROLES)
    return [_field_view(item) for item in dal.list_fields(principal.organisation_id)]


def define_field(principal: Principal, request: CustomFieldCreate) -> CustomField:
    principal.require_any(FIELD_ADMINS)
    _check_options(request.type, request.options)
    org = principal.organisation_id
    existing = dal.list_fields(org)
    if any(item.key == request.key for item in existing):
        raise Conflict(f"a custom field with the key {request.key!r} exists", field="key")
    if len(existing) >= MAX_CUSTOM_FIELDS:
        raise Conflict(f"an organisation has at most {MAX_CUSTOM_FIELDS} custom fields; remove one first")
    now = datetime.now(UTC)
    item = dal.new_field(org, time_ordered_id())
    item.key, item.label, item.field_type = request.key, request.label, request.type
    item.required, item.visibility, item.options = request.required, request.visibility, list(request.options)
    item.help_text, item.created_at, item.updated_at = request.help_text, now, now
    event = EventEnvelope.new(
        CustomFieldDefined(field=_definition(item)), tenant_id=org, actor=Actor.of(principal),
        occurred_at=now,
    )
    # The key claim in the same transaction settles a race the list above cannot see.
    dal.create_field_with_event(item, event)
    return _field_view(item)


def _existing_field(principal: Principal, field_id: str) -> CustomFieldItem:
    principal.require_any(FIELD_ADMINS)
    item = dal.get_field(principal.organisation_id, field_id)
    if item is None:
        raise NotFound("no such custom field")
    return item


def update_field(principal: Principal, field_id: str, request: CustomFieldUpdate) -> CustomField:
    item = _existing_field(principal, field_id)
    if request.expected_version is not None and request.expected_version != item.version:
        raise Conflict(f"the custom field is at version {item.version}, not {request.expected_version}")
    _check_options(item.field_type, request.options)
    wanted = {
        "label": request.label, "required": request.required, "visibility": request.visibility,
        "options": list(request.options), "help_text": request.help_text,
    }
    item_options_before = list(item.options or [])
    current = {
        "label": item.label, "required": bool(item.required), "visibility": item.visibility,
        "options": item_options_before, "help_text": item.help_text,
    }
    changed = [name for name in wanted if wanted[name] != current[name]]
    if not changed:
        return _field_view(item)
    now = datetime.now(UTC)
    item.label, item.required, item.visibility = request.label, request.required, request.visibility
    item.options, item.help_text, item.updated_at = list(request.options), request.help_text, now
    removed = [option for option in item_options_before if option not in request.options]
    event = EventEnvelope.new(
        CustomFieldUpdated(
            field=_definition(item), field_version=int(item.version or 1) + 1, changed=changed,
            removed_options=removed,
        ),
        tenant_id=principal.organisation_id, actor=Actor.of(principal), occurred_at=now,
    )
    dal.update_field_with_event(item, event)
    return _field_view(item)


def remove_field(principal: Principal, field_id: str) -> None:
    item = _existing_field(principal, field_id)
    event = EventEnvelope.new(
        CustomFieldRemoved(field_id=item.field_id, key=item.key),
        tenant_id=principal.organisation_id, actor=Actor.of(principal),
    )
    dal.delete_field_with_event(item, event)


# ---------------------------------------------------------------- values


def _stored(values: FieldValuesItem | None) -> dict[str, FieldValue]:
    if values is None or values.values is None:
        return {}
    raw = values.values.as_dict() if hasattr(values.values, "as_dict") else dict(values.values)
    return {field_id: _plain(value) for field_id, value in raw.items()}


def _plain(value: Any) -> FieldValue:
    # DynamoDB numbers may come back as Decimal; lists as lists of str.
    if isinstance(value, list):
        return [str(choice) for choice in value]
    if isinstance(value, str) or value is None:
        return value
    number = float(value)
    return int(number) if number.is_integer() else number


def _vendor_view(
    partnership_id: str, fields: list[CustomFieldItem], values: FieldValuesItem | None,
) -> PartnershipCustomFields:
    stored = _stored(values)
    return PartnershipCustomFields(
        partnership_id=partnership_id,
        version=int(values.version or 0) if values else 0,
        updated_at=values.updated_at if values else None,
        fields=[
            CustomFieldValue(
                **_definition(field).model_dump(exclude={"field_id"}), field_id=field.field_id,
                value=stored.get(field.field_id),
            )
            for field in fields
        ],
    )


def _partner_view(
    partnership_id: str, fields: list[CustomFieldItem], values: FieldValuesItem | None,
) -> PartnerPartnershipCustomFields:
    stored = _stored(values)
    return PartnerPartnershipCustomFields(
        partnership_id=partnership_id,
        fields=[
            PartnerCustomFieldValue(
                key=field.key, label=field.label, type=field.field_type,  # type: ignore[arg-type]
                required=bool(field.required), options=list(field.options or []), help_text=field.help_text,
                value=stored.get(field.field_id),
            )
            for field in fields if field.visibility == "shared"
        ],
    )


def get_values(principal: Principal, partnership_id: str) -> PartnershipCustomFields:
    principal.require_any(VENDOR_ROLES)
    org = principal.organisation_id
    partnership, values = dal.get_with_partnership(org, partnership_id, FieldValuesItem)
    if partnership is None:
        raise NotFound("no such partnership")
    return _vendor_view(
        partnership_id, dal.list_fields(org), values if isinstance(values, FieldValuesItem) else None,
    )


def save_values(
    principal: Principal, partnership_id: str, request: FieldValuesUpdate,
) -> PartnershipCustomFields:
    partnership = writable_partnership(principal, partnership_id)
    fields = dal.list_fields(partnership.organisation_id)
    values = dal.get_field_values(partnership)
    version = int(values.version or 0) if values else 0
    if request.expected_version is not None and request.expected_version != version:
        raise Conflict(f"the custom field values are at version {version}, not {request.expected_version}")
    values = _save(principal, partnership, fields, fields, values, request.values, side="vendor")
    return _vendor_view(partnership_id, fields, values)


def _partner_partnership(principal: Principal, partnership_id: str) -> PartnershipItem:
    partnership = partnerships_dal.get_for_partner(principal.organisation_id, partnership_id)
    if partnership is None:
        raise NotFound("no such partnership")
    return partnership


def get_partner_values(principal: Principal, partnership_id: str) -> PartnerPartnershipCustomFields:
    principal.require_any(PARTNER_ROLES)
    partnership = _partner_partnership(principal, partnership_id)
    fields = dal.list_fields(partnership.organisation_id)
    return _partner_view(partnership_id, fields, dal.get_field_values(partnership))


def save_partner_values(
    principal: Principal, partnership_id: str, request: PartnerFieldValuesUpdate,
) -> PartnerPartnershipCustomFields:
    principal.require_any(PARTNER_FIELD_WRITERS)
    partnership = _partner_partnership(principal, partnership_id)
    if partnership.archived_at is not None:
        raise Conflict("the partnership is archived; the vendor must restore it before it changes")
    fields = dal.list_fields(partnership.organisation_id)
    shared = [field for field in fields if field.visibility == "shared"]
    values = dal.get_field_values(partnership)
    values = _save(principal, partnership, fields, shared, values, request.values, side="partner")
    return _partner_view(partnership_id, fields, values)


def _save(
    principal: Principal, partnership: PartnershipItem, fields: list[CustomFieldItem],
    writable: list[CustomFieldItem], values: FieldValuesItem | None, updates: Mapping[str, Any],
    *, side: Literal["vendor", "partner"],
) -> FieldValuesItem | None:
    """Validate ``updates`` against the fields the writer may see; write them if anything changed."""
    by_key = {field.key: field for field in writable}
    stored = _stored(values)
    # Only defined fields are kept: values of removed fields are dropped on this save.
    after = {
        field.field_id: value for field in fields if (value := stored.get(field.field_id)) is not None
    }
    errors: list[dict[str, str]] = []
    for key, raw in updates.items():
        field = by_key.get(key)
        if field is None:
            errors.append({"field": f"values.{key}", "message": "no such custom field"})
            continue
        try:
            value = parse_value(field.field_type, list(field.options or []), raw)
        except ValueError as error:
            errors.append({"field": f"values.{key}", "message": str(error)})
            continue
        if value is None:
            after.pop(field.field_id, None)
        else:
            after[field.field_id] = value
    errors.extend(
        {"field": f"values.{field.key}", "message": "is required"}
        for field in writable
        if field.required and after.get(field.field_id) is None and f"values.{field.key}" not in
        {error["field"] for error in errors}
    )
    if errors:
        raise ValidationFailed("some custom field values are invalid", errors=errors)

    changed = [field for field in fields if stored.get(field.field_id) != after.get(field.field_id)]
    if not changed:
        return values
    now = datetime.now(UTC)
    item = values or dal.new_field_values(partnership)
    version = int(item.version or 0)
    item.values = after
    item.updated_at, item.updated_by = now, principal.user_id
    event = EventEnvelope.new(
        PartnershipCustomFieldsUpdated(
            partnership_id=partnership.partnership_id, changed_by=side,
            changed_keys=[field.key for field in changed],
            shared_changes=[
                SharedFieldChange(
                    key=field.key, before=stored.get(field.field_id), after=after.get(field.field_id),
                )
                for field in changed if field.visibility == "shared"
            ],
            values_version=version + 1,
        ),
        # The partnership is the vendor's: its events are in the vendor's tenant, whoever acts.
        tenant_id=partnership.organisation_id, actor=Actor.of(principal), occurred_at=now,
    )
    by = " by the partner" if side == "partner" else ""
    activity = partnerships_dal.Activity(
        kind="custom_fields_updated",
        summary=f"Custom fields updated{by}: {', '.join(field.label for field in changed)}",
        actor_user_id=principal.user_id, occurred_at=now,
        details={
            field.key: f"{_describe(stored.get(field.field_id))} → {_describe(after.get(field.field_id))}"
            for field in changed
        },
    )
    dal.save_profile_with_event(partnership, item, activity, event)
    return item


def _describe(value: FieldValue) -> str:
    if value is None:
        return "empty"
    text = ", ".join(value) if isinstance(value, list) else str(value)
    return text if len(text) <= _ACTIVITY_VALUE_LENGTH else text[: _ACTIVITY_VALUE_LENGTH - 1] + "…"
