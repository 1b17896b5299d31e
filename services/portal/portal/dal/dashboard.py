"""The dashboard's summaries, kept by events: one summary per partnership, the state of each counted
lead, deal, commission entry and certification, the activity feed and the vendor's tier requirements.

A summary holds flat figures (``name`` → Decimal, or ``name:CUR`` for money, ``unpaid_on:<date>:CUR``
for commissions not paid yet by their expected payout date). Each counted thing keeps its own state
item with the version it was counted at and what it contributed to each partnership's summary; an
event applies ``new contribution - old contribution`` to the summaries in ONE transaction with the
state item, conditioned on the state's version, so a duplicate or older event changes nothing.

| entity           | pk                                  | sk                  |
|------------------|-------------------------------------|---------------------|
| Summary          | ORG#<v>#SUMMARY#<pid>#              | SUMMARY#            |
| State (lead)     | ORG#<v>#LEADSTATE#<lead>#           | STATE#              |
| State (deal)     | ORG#<v>#DEALSTATE#<deal>#           | STATE#              |
| State (entry)    | ORG#<v>#SUMMARY#ENTRY#<entry>#      | STATE#              |
| State (cert)     | ORG#<v>#SUMMARY#CERT#<cert>#<user># | STATE#              |
| Activity         | ORG#<v>#ACTIVITY#<pid>#             | <occurred_at>#<eid> |
| TierRequirements | ORG#<v>#TIERREQ#                    | TIERREQ#            |

A lead's (deal's) state is also on gsi1: ``ORG#<v>#LEADSTATE#P#<pid>#`` (``DEALSTATE``) / <lead id>,
for the portal's search within a partnership.
(<v>: the vendor organisation; <pid>: a partnership. A lead or deal is searchable under the
partnership it belongs to, a distributor's lead under its reseller.)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from pynamodb.attributes import (
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from portal.dal import partnerships as partnerships_dal
from portal.dal.tables import PartnershipViewItem, PortalItem, ProgramItem
from trellis.dynamo import transaction
from trellis.keys import org_key

SUMMARY_SK = "SUMMARY#"
STATE_SK = "STATE#"
TIERREQ_SK = "TIERREQ#"
ACTIVITY_DAYS = 400
ACTIVITY_SHOWN = 10

Figures = dict[str, Decimal]


def dump_figures(figures: Figures) -> str:
    return json.dumps({name: str(value) for name, value in sorted(figures.items()) if value != 0})


def load_figures(text: str | None) -> Figures:
    return {name: Decimal(value) for name, value in json.loads(text or "{}").items()}


class SummaryItem(PortalItem, discriminator="PortalSummary"):  # type: ignore[valid-type,misc,call-arg]
    """A partnership's dashboard figures; ``revision`` guards each read-modify-write."""

    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    figures = UnicodeAttribute(default="{}")
    revision = VersionAttribute()

    @property
    def values(self) -> Figures:
        return load_figures(self.figures)


class CountedStateItem(PortalItem, discriminator="PortalCountedState"):  # type: ignore[valid-type,misc,call-arg]
    """What one lead, deal, entry or certification contributes to the summaries, as of ``version``.

    ``contribution``: JSON of partnership id → figures. ``title``/``excerpt``: for the portal's search.
    """

    vendor_organisation_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # lead, deal, entry, cert
    subject_id = UnicodeAttribute()
    version = NumberAttribute()
    contribution = UnicodeAttribute(default="{}")
    partnership_id = UnicodeAttribute(null=True)
    title = UnicodeAttribute(null=True)
    excerpt = UnicodeAttribute(null=True)

    def contributions(self) -> dict[str, Figures]:
        raw: dict[str, dict[str, str]] = json.loads(self.contribution or "{}")
        return {pid: {name: Decimal(value) for name, value in figures.items()}
                for pid, figures in raw.items()}


class ActivityItem(PortalItem, discriminator="PortalActivity"):  # type: ignore[valid-type,misc,call-arg]
    """One line of a partnership's recent activity (written once per event id; expires by TTL)."""

    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    text = UnicodeAttribute()
    subject_id = UnicodeAttribute(null=True)
    occurred_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)


class TierRequirementsItem(PortalItem, discriminator="PortalTierRequirements"):  # type: ignore[valid-type,misc,call-arg]
    """What each tier of the vendor's program needs (JSON: tier id → requirement), in one item so
    the dashboard reads it with the summary and the program in one BatchGetItem."""

    vendor_organisation_id = UnicodeAttribute()
    requirements = UnicodeAttribute(default="{}")
    revision = VersionAttribute()


# ---------------------------------------------------------------- keys


def summary_key(vendor_id: str, partnership_id: str) -> tuple[str, str]:
    return org_key(vendor_id, "SUMMARY", partnership_id), SUMMARY_SK


_STATE_PREFIX = {"lead": ("LEADSTATE",), "deal": ("DEALSTATE",), "entry": ("SUMMARY", "ENTRY"),
                 "cert": ("SUMMARY", "CERT")}


def state_key(vendor_id: str, kind: str, *subject: str) -> tuple[str, str]:
    return org_key(vendor_id, *_STATE_PREFIX[kind], *subject), STATE_SK


def _search_pk(vendor_id: str, kind: str, partnership_id: str) -> str:
    return org_key(vendor_id, _STATE_PREFIX[kind][0], "P", partnership_id)


def activity_pk(vendor_id: str, partnership_id: str) -> str:
    return org_key(vendor_id, "ACTIVITY", partnership_id)


def tier_requirements_key(vendor_id: str) -> tuple[str, str]:
    return org_key(vendor_id, "TIERREQ"), TIERREQ_SK


# ---------------------------------------------------------------- the consumer's side


def get_state(vendor_id: str, kind: str, *subject: str) -> CountedStateItem | None:
    try:
        return CountedStateItem.get(*state_key(vendor_id, kind, *subject), consistent_read=True)
    except CountedStateItem.DoesNotExist:
        return None


def new_state(vendor_id: str, kind: str, *subject: str) -> CountedStateItem:
    return CountedStateItem(
        *state_key(vendor_id, kind, *subject), vendor_organisation_id=vendor_id, kind=kind,
        subject_id="#".join(subject), version=0,
    )


def summaries(vendor_id: str, partnership_ids: Iterable[str]) -> dict[str, SummaryItem]:
    """The summaries of these partnerships (new, unsaved ones for those with none), one BatchGetItem."""
    wanted = sorted(set(partnership_ids))
    found: dict[str, SummaryItem] = {}
    if wanted:
        for item in SummaryItem.batch_get([summary_key(vendor_id, pid) for pid in wanted]):
            if isinstance(item, SummaryItem):
                found[item.partnership_id] = item
    return {
        pid: found.get(pid) or SummaryItem(
            *summary_key(vendor_id, pid), vendor_organisation_id=vendor_id, partnership_id=pid,
        )
        for pid in wanted
    }


def activity_item(
    vendor_id: str, partnership_id: str, *, kind: str, text: str, occurred_at: datetime, event_id: str,
    subject_id: str | None = None,
) -> ActivityItem:
    return ActivityItem(
        activity_pk(vendor_id, partnership_id), f"{occurred_at.isoformat()}#{event_id}",
        vendor_organisation_id=vendor_id, partnership_id=partnership_id, kind=kind, text=text[:280],
        subject_id=subject_id, occurred_at=occurred_at,
        expires_at=occurred_at + timedelta(days=ACTIVITY_DAYS),
    )


def save_counted(
    state: CountedStateItem, previous_version: int, changed: list[SummaryItem],
    activities: list[ActivityItem],
) -> None:
    """The state (only if no newer version got there first), the changed summaries (each checked
    against its revision) and the activity lines, in one transaction."""
    if state.partnership_id and state.kind in ("lead", "deal"):
        state.gsi1pk = _search_pk(state.vendor_organisation_id, state.kind, state.partnership_id)
        state.gsi1sk = state.subject_id
    else:
        state.gsi1pk = state.gsi1sk = None
    condition = (CountedStateItem.version == previous_version) if previous_version else (
        CountedStateItem.pk.does_not_exist()
    )
    with transaction(SummaryItem) as write:
        write.save(state, condition=condition)
        for summary in changed:
            write.save(summary)
        for activity in activities:
            write.save(activity)


def save_activity(activity: ActivityItem) -> None:
    activity.save()


# ---------------------------------------------------------------- the API's side


def dashboard_items(
    vendor_id: str, partnership_id: str,
) -> tuple[SummaryItem | None, ProgramItem | None, TierRequirementsItem | None]:
    """The summary, the program and the tier requirements, in one BatchGetItem."""
    summary, program, requirements = None, None, None
    keys = [summary_key(vendor_id, partnership_id), partnerships_dal.program_key(vendor_id),
            tier_requirements_key(vendor_id)]
    for item in PortalItem.batch_get(keys):
        if isinstance(item, SummaryItem):
            summary = item
        elif isinstance(item, ProgramItem):
            program = item
        elif isinstance(item, TierRequirementsItem):
            requirements = item
    return summary, program, requirements


def recent_activity(vendor_id: str, partnership_id: str, limit: int = ACTIVITY_SHOWN) -> list[ActivityItem]:
    """The newest lines, one Query of one page."""
    result = ActivityItem.query(activity_pk(vendor_id, partnership_id), scan_index_forward=False, limit=limit)
    return [item for item in result if isinstance(item, ActivityItem)][:limit]


def get_tier_requirements(vendor_id: str) -> TierRequirementsItem | None:
    try:
        return TierRequirementsItem.get(*tier_requirements_key(vendor_id), consistent_read=True)
    except TierRequirementsItem.DoesNotExist:
        return None


def new_tier_requirements(vendor_id: str) -> TierRequirementsItem:
    return TierRequirementsItem(*tier_requirements_key(vendor_id), vendor_organisation_id=vendor_id)


def save_tier_requirements(item: TierRequirementsItem) -> None:
    item.save()


def requirements_of(item: TierRequirementsItem | None) -> dict[str, dict[str, Any]]:
    return json.loads(item.requirements) if item is not None else {}


def summaries_of(vendor_id: str, partnership_ids: list[str]) -> dict[str, SummaryItem]:
    """Existing summaries only (one BatchGetItem per 100 keys)."""
    found: dict[str, SummaryItem] = {}
    if partnership_ids:
        for item in SummaryItem.batch_get([summary_key(vendor_id, pid) for pid in partnership_ids]):
            if isinstance(item, SummaryItem):
                found[item.partnership_id] = item
    return found


def searchable(vendor_id: str, kind: str, partnership_id: str, limit: int) -> Iterator[CountedStateItem]:
    """A partnership's leads or deals (newest ids last), at most ``limit`` items read."""
    result = CountedStateItem.gsi1.query(_search_pk(vendor_id, kind, partnership_id), limit=limit)
    for item in result:
        if isinstance(item, CountedStateItem):
            yield item


def views(partnership_ids: list[str]) -> dict[str, PartnershipViewItem]:
    """The partnership views of these ids (one BatchGetItem per 100)."""
    found: dict[str, PartnershipViewItem] = {}
    for item in PartnershipViewItem.batch_get([partnerships_dal.view_key(pid) for pid in partnership_ids]):
        if isinstance(item, PartnershipViewItem):
            found[item.partnership_id] = item
    return found
