"""The training room: the vendor's modules and certifications, and each partner user's progress.

| entity                | pk                                          | sk                              |
|-----------------------|---------------------------------------------|---------------------------------|
| TrainingModule        | ORG#<v>#TRAINING#                           | MODULE#<module>#                |
| TrainingCertification | ORG#<v>#TRAINING#                           | CERT#<certification>#           |
| TrainingProgress      | ORG#<v>#PARTNERSHIP#<pid>#PROGRESS#         | USER#<user>#MODULE#<module>#    |
| UserCertification     | ORG#<v>#PARTNERSHIP#<pid>#PROGRESS#         | USER#<user>#CERT#<certification>#|

The vendor's whole catalogue (modules and certifications) is one Query of one partition, read in
pages up to ``MAX_CATALOGUE`` items; a user's progress and certifications are one Query of
``USER#<user>#``; a partnership's, one Query of its progress partition (up to ``MAX_PARTNERSHIP_ROWS``).
A module is one item: lessons, quiz and audience are JSON the logic validates with its models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from portal.dal.tables import Outbox, PortalItem
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

MODULE = "MODULE#"
CERT = "CERT#"
USER = "USER#"
MAX_CATALOGUE = 300  # modules + certifications a vendor may have (logic refuses more)
MAX_PARTNERSHIP_ROWS = 5000  # progress rows of one partnership read for the vendor's overview


class TrainingModuleItem(PortalItem, discriminator="PortalTrainingModule"):  # type: ignore[valid-type,misc,call-arg]
    vendor_organisation_id = UnicodeAttribute()
    module_id = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    audience = UnicodeAttribute()  # JSON of portal.models.Audience
    lessons = UnicodeAttribute()  # JSON list of lessons
    quiz = UnicodeAttribute(null=True)  # JSON of the quiz, with its correct options
    published = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class TrainingCertificationItem(PortalItem, discriminator="PortalTrainingCertification"):  # type: ignore[valid-type,misc,call-arg]
    vendor_organisation_id = UnicodeAttribute()
    certification_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    module_ids = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    validity_days = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class TrainingProgressItem(PortalItem, discriminator="PortalTrainingProgress"):  # type: ignore[valid-type,misc,call-arg]
    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    module_id = UnicodeAttribute()
    lessons_done = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    attempts = NumberAttribute(default=0)
    best_score = NumberAttribute(null=True)
    last_score = NumberAttribute(null=True)
    passed = BooleanAttribute(default=False)
    recent_attempts = UnicodeAttribute(default="[]")  # JSON: the last attempts (score, passed, at)
    completed_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()


class UserCertificationItem(PortalItem, discriminator="PortalUserCertification"):  # type: ignore[valid-type,misc,call-arg]
    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    certification_id = UnicodeAttribute()
    earned_on = UnicodeAttribute()  # ISO date
    expires_on = UnicodeAttribute(null=True)  # ISO date; none: never expires
    times_earned = NumberAttribute(default=1)
    version = VersionAttribute()


def catalogue_pk(vendor_id: str) -> str:
    return org_key(vendor_id, "TRAINING")


def progress_pk(vendor_id: str, partnership_id: str) -> str:
    return org_key(vendor_id, "PARTNERSHIP", partnership_id, "PROGRESS")


def module_key(vendor_id: str, module_id: str) -> tuple[str, str]:
    return catalogue_pk(vendor_id), f"{MODULE}{module_id}#"


def certification_key(vendor_id: str, certification_id: str) -> tuple[str, str]:
    return catalogue_pk(vendor_id), f"{CERT}{certification_id}#"


def progress_key(vendor_id: str, partnership_id: str, user_id: str, module_id: str) -> tuple[str, str]:
    return progress_pk(vendor_id, partnership_id), f"{USER}{user_id}#{MODULE}{module_id}#"


def user_certification_key(
    vendor_id: str, partnership_id: str, user_id: str, certification_id: str,
) -> tuple[str, str]:
    return progress_pk(vendor_id, partnership_id), f"{USER}{user_id}#{CERT}{certification_id}#"


@dataclass
class Catalogue:
    modules: dict[str, TrainingModuleItem] = field(default_factory=dict)
    certifications: dict[str, TrainingCertificationItem] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.modules) + len(self.certifications)


def catalogue(vendor_id: str) -> Catalogue:
    """Every module and certification of the vendor (one Query, paged, at most MAX_CATALOGUE items)."""
    found = Catalogue()
    for item in PortalItem.query(catalogue_pk(vendor_id), limit=MAX_CATALOGUE, consistent_read=True):
        if isinstance(item, TrainingModuleItem):
            found.modules[item.module_id] = item
        elif isinstance(item, TrainingCertificationItem):
            found.certifications[item.certification_id] = item
    return found


def get_module(vendor_id: str, module_id: str) -> TrainingModuleItem | None:
    try:
        return TrainingModuleItem.get(*module_key(vendor_id, module_id), consistent_read=True)
    except TrainingModuleItem.DoesNotExist:
        return None


def get_certification(vendor_id: str, certification_id: str) -> TrainingCertificationItem | None:
    try:
        return TrainingCertificationItem.get(*certification_key(vendor_id, certification_id),
                                             consistent_read=True)
    except TrainingCertificationItem.DoesNotExist:
        return None


def new_module(vendor_id: str, module_id: str, at: datetime, **attributes: object) -> TrainingModuleItem:
    return TrainingModuleItem(*module_key(vendor_id, module_id), vendor_organisation_id=vendor_id,
                              module_id=module_id, created_at=at, updated_at=at, **attributes)


def new_certification(
    vendor_id: str, certification_id: str, at: datetime, **attributes: object,
) -> TrainingCertificationItem:
    return TrainingCertificationItem(
        *certification_key(vendor_id, certification_id), vendor_organisation_id=vendor_id,
        certification_id=certification_id, created_at=at, updated_at=at, **attributes,
    )


def save_content(item: TrainingModuleItem | TrainingCertificationItem, what: str) -> None:
    """A module or certification, checked against the version it was read at (or new)."""
    with concurrent_change_is_a_conflict(what), transaction(PortalItem) as write:
        write.save(item)


@dataclass
class UserTraining:
    progress: dict[str, TrainingProgressItem] = field(default_factory=dict)
    certifications: dict[str, UserCertificationItem] = field(default_factory=dict)


def _collect(items: object, into: dict[str, UserTraining]) -> None:
    for item in items:  # type: ignore[attr-defined]
        if isinstance(item, TrainingProgressItem):
            into.setdefault(item.user_id, UserTraining()).progress[item.module_id] = item
        elif isinstance(item, UserCertificationItem):
            into.setdefault(item.user_id, UserTraining()).certifications[item.certification_id] = item


def user_training(vendor_id: str, partnership_id: str, user_id: str) -> UserTraining:
    """One user's progress in every module and their certifications (one Query, bounded by the
    catalogue's size: one row per module and certification at most)."""
    found: dict[str, UserTraining] = {}
    _collect(PortalItem.query(
        progress_pk(vendor_id, partnership_id), PortalItem.sk.startswith(f"{USER}{user_id}#"),
        limit=2 * MAX_CATALOGUE, consistent_read=True,
    ), found)
    return found.get(user_id, UserTraining())


def partnership_training(vendor_id: str, partnership_id: str) -> dict[str, UserTraining]:
    """Every user's progress in the partnership (one Query, at most MAX_PARTNERSHIP_ROWS rows)."""
    found: dict[str, UserTraining] = {}
    _collect(PortalItem.query(progress_pk(vendor_id, partnership_id), limit=MAX_PARTNERSHIP_ROWS), found)
    return found


def new_progress(vendor_id: str, partnership_id: str, user_id: str, module_id: str) -> TrainingProgressItem:
    return TrainingProgressItem(
        *progress_key(vendor_id, partnership_id, user_id, module_id), vendor_organisation_id=vendor_id,
        partnership_id=partnership_id, user_id=user_id, module_id=module_id,
    )


def new_user_certification(
    vendor_id: str, partnership_id: str, user_id: str, certification_id: str, **attributes: object,
) -> UserCertificationItem:
    return UserCertificationItem(
        *user_certification_key(vendor_id, partnership_id, user_id, certification_id),
        vendor_organisation_id=vendor_id, partnership_id=partnership_id, user_id=user_id,
        certification_id=certification_id, **attributes,
    )


def save_progress(
    progress: list[TrainingProgressItem], certifications: list[UserCertificationItem],
    envelopes: list[EventEnvelope],
) -> None:
    """Progress, certifications earned and their events in one transaction, each item checked against
    the version it was read at: a concurrent completion is a 409, never a second event."""
    with concurrent_change_is_a_conflict("your training progress"), transaction(PortalItem) as write:
        for item in progress:
            write.save(item)
        for certification in certifications:
            write.save(certification)
        for envelope in envelopes:
            write.save(outbox_item(Outbox, envelope))
