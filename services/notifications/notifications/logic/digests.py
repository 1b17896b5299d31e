"""Digests: a summary of what each user heard since their last digest, by email, daily or weekly.

The schedule runs daily (weekly digests on Mondays). A run only fans out: one message per
(frequency, shard) of the sparse subscriber index. Each message handles one page of at most
``PAGE`` subscribers and, if the shard has more, queues its own continuation - so no invocation
grows with the number of subscribers, and 10,000 of them are 100 small steps across a few workers.

Exactly once per user and run: the digest email's key is (frequency, run date, user) - a re-run of
the same schedule or a redelivered message queues nothing new - and the user's watermark
(``last_digest_at``) moves from what it was to the run's time only once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from notifications.dal import directory as directory_dal
from notifications.dal import inbox as inbox_dal
from notifications.dal.tables import RecipientItem
from notifications.logic import email
from notifications.logic.catalog import CATEGORIES
from trellis.principal import PARTNER_ROLES
from trellis.settings import get_settings

Frequency = Literal["daily", "weekly"]
PERIOD: dict[str, timedelta] = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
PAGE = 100  # subscribers per step
SHOWN = 50  # notifications listed in one digest


@dataclass(frozen=True)
class Step:
    """One unit of digest work: a page of one shard of one frequency's subscribers, for one run."""

    run_at: datetime
    frequency: Frequency
    shard: int
    start: dict[str, Any] | None = None

    def to_message(self) -> dict[str, Any]:
        return {"run_at": self.run_at.isoformat(), "frequency": self.frequency, "shard": self.shard,
                "start": self.start}

    @classmethod
    def from_message(cls, body: dict[str, Any]) -> Step:
        frequency = body["frequency"]
        shard = int(body["shard"])
        if frequency not in PERIOD or not 0 <= shard < directory_dal.DIGEST_SHARDS:
            raise ValueError(f"not a digest step: {frequency!r} shard {shard}")
        start = body.get("start")
        return cls(run_at=datetime.fromisoformat(body["run_at"]), frequency=frequency, shard=shard,
                   start=start if isinstance(start, dict) else None)


def frequencies_due(run_at: datetime) -> list[Frequency]:
    return ["daily", "weekly"] if run_at.astimezone(UTC).weekday() == 0 else ["daily"]


def fan_out(run_at: datetime) -> list[Step]:
    """The first step of every shard of every frequency due at ``run_at``."""
    return [Step(run_at=run_at, frequency=frequency, shard=shard)
            for frequency in frequencies_due(run_at) for shard in range(directory_dal.DIGEST_SHARDS)]


@dataclass
class StepOutcome:
    subscribers: int = 0
    sent: int = 0
    next: Step | None = None


def run_step(step: Step) -> StepOutcome:
    subscribers, last_key = directory_dal.digest_subscribers(step.frequency, step.shard, start=step.start,
                                                             limit=PAGE)
    outcome = StepOutcome(subscribers=len(subscribers))
    for subscriber in subscribers:
        outcome.sent += digest_for(subscriber, step)
    if last_key:
        outcome.next = Step(run_at=step.run_at, frequency=step.frequency, shard=step.shard, start=last_key)
    return outcome


def digest_for(subscriber: RecipientItem, step: Step) -> bool:
    """Queue this user's digest for the run; True when one was queued now."""
    if subscriber.digest != step.frequency or not subscriber.active or not subscriber.email:
        return False
    previous = subscriber.last_digest_at
    if previous is not None and previous >= step.run_at:
        return False  # this run (or a later one) already covered the user
    since = previous or step.run_at - PERIOD[step.frequency]
    organisation = subscriber.organisation_id
    items = [item for item in inbox_dal.since(organisation, subscriber.user_id, since, limit=SHOWN + 1)
             if item.delivered_at <= step.run_at]
    queued = False
    if items:
        shown = items[:SHOWN]
        queued = email.queue(email.EmailRequest(
            dedupe_key=f"digest#{step.frequency}#{step.run_at:%Y%m%d}#{subscriber.user_id}",
            to_address=subscriber.email, template="digest",
            subject=f"Your {step.frequency} Trellis digest: {_count(len(items))} update"
                    f"{'' if len(items) == 1 else 's'}",
            context={
                "recipient_name": subscriber.name, "frequency": step.frequency, "since": since.isoformat(),
                "total": len(items), "more": len(items) > SHOWN,
                "items": [{"title": item.title, "body": item.body, "link": _absolute(subscriber, item.link),
                           "created_at": item.delivered_at.isoformat(),
                           "category_label": CATEGORIES[item.category].label if item.category in CATEGORIES
                           else item.category} for item in shown],
                "inbox_url": _absolute(subscriber, "/notifications"),
            },
            organisation_id=organisation, user_id=subscriber.user_id, category="digest",
        ))
    directory_dal.mark_digest_sent(subscriber, since=previous, sent_at=step.run_at)
    return queued


def _absolute(subscriber: RecipientItem, link: str | None) -> str | None:
    """Partner users open links in the portal, vendor users in the console."""
    if link is None:
        return None
    settings = get_settings()
    partner = bool(set(subscriber.roles or ()) & {role.value for role in PARTNER_ROLES})
    return f"{settings.portal_base_url if partner else settings.app_base_url}{link}"


def _count(n: int) -> str:
    return f"{SHOWN}+" if n > SHOWN else str(n)
