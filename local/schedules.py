"""EventBridge Scheduler, locally: ``cron(...)`` and ``rate(...)`` expressions → their function.

Only what the scheduler needs to decide the next run: AWS cron has six fields (minutes, hours,
day-of-month, month, day-of-week 1-7 = SUN-SAT, year), ``?`` in one of the two day fields, and
``*``, lists, ranges and steps. ``L``, ``W`` and ``#`` are rejected when the stack starts.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from local.intrinsics import ACCOUNT, REGION
from local.template import Schedule
from local.workers import Invocation, InvocationError, Worker

log = logging.getLogger("local.schedules")

_MONTHS = {name: index for index, name in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)}
_WEEKDAYS = {name: index for index, name in enumerate(
    ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)}
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_RATE_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
SEARCH_DAYS = 366 * 5


class UnsupportedSchedule(ValueError):
    pass


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int] | None:
    """The values a cron field allows; None for ``?`` (no constraint from this field)."""
    if text == "?":
        return None
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = _value(first, names), _value(last, names)
        else:
            start = _value(base, names)
            end = high if step_text else start
        if not (low <= start <= high and low <= end <= high) or step < 1:
            raise UnsupportedSchedule(f"cron field {text!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _value(text: str, names: dict[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise UnsupportedSchedule(f"the local scheduler does not understand {text!r} in a cron expression")
    return int(text)


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None
    months: frozenset[int]
    weekdays: frozenset[int] | None  # 1 = Sunday
    years: frozenset[int]

    @classmethod
    def parse(cls, fields: str) -> Cron:
        parts = fields.split()
        if len(parts) != 6:
            raise UnsupportedSchedule(f"cron needs 6 fields, got {fields!r}")
        days, weekdays = _field(parts[2], 1, 31), _field(parts[4], 1, 7, _WEEKDAYS)
        if (days is None) == (weekdays is None):
            raise UnsupportedSchedule("cron needs ? in exactly one of day-of-month and day-of-week")
        return cls(
            minutes=_field(parts[0], 0, 59) or frozenset(), hours=_field(parts[1], 0, 23) or frozenset(),
            days=days, months=_field(parts[3], 1, 12, _MONTHS) or frozenset(), weekdays=weekdays,
            years=_field(parts[5], 1970, 2199) or frozenset(),
        )

    def _day_matches(self, day: datetime) -> bool:
        if day.month not in self.months or day.year not in self.years:
            return False
        if self.days is not None:
            return day.day in self.days
        assert self.weekdays is not None
        return (day.isoweekday() % 7) + 1 in self.weekdays

    def next_after(self, moment: datetime) -> datetime | None:
        start = (moment + timedelta(minutes=1)).replace(second=0, microsecond=0)
        day = start.replace(hour=0, minute=0)
        for _ in range(SEARCH_DAYS):
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = day.replace(hour=hour, minute=minute)
                        if candidate >= start:
                            return candidate
            day += timedelta(days=1)
        return None


def next_run(expression: str, after: datetime) -> datetime | None:
    rate = _RATE.match(expression)
    if rate:
        unit = rate.group(2).rstrip("s")
        return after + timedelta(seconds=int(rate.group(1)) * _RATE_UNITS[unit])
    cron = _CRON.match(expression)
    if cron:
        return Cron.parse(cron.group(1)).next_after(after)
    if expression.startswith("at("):
        moment = datetime.fromisoformat(expression[3:-1]).replace(tzinfo=UTC)
        return moment if moment > after else None
    raise UnsupportedSchedule(f"unknown schedule expression {expression!r}")


def schedule_input(schedule: Schedule, scheduled_for: datetime, attempt: int = 1) -> Any:
    """The schedule's Input with Scheduler's context attributes filled in, parsed as the function sees it."""
    arn = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/{schedule.function}-{schedule.name}"
    text = (schedule.input or "{}")
    for placeholder, value in {
        "<aws.scheduler.scheduled-time>": scheduled_for.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "<aws.scheduler.execution-id>": str(uuid.uuid4()),
        "<aws.scheduler.schedule-arn>": arn,
        "<aws.scheduler.attempt-number>": str(attempt),
    }.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


class Scheduler(threading.Thread):
    """Fires each schedule at its next matching time (UTC, as the template's schedules are)."""

    def __init__(self, schedules: list[tuple[Schedule, Worker]], stop: threading.Event):
        super().__init__(name="scheduler", daemon=True)
        self.schedules = schedules
        self.stopping = stop
        for schedule, _ in schedules:
            if schedule.timezone not in {None, "UTC", "Etc/UTC"}:
                raise UnsupportedSchedule(f"{schedule.name}: only UTC schedules run locally")
            next_run(schedule.expression, datetime.now(UTC))  # reject what we cannot run, at start

    def run_now(self, schedule: Schedule, worker: Worker) -> Invocation:
        moment = datetime.now(UTC)
        invocation = worker.invoke(schedule_input(schedule, moment))
        log.info("%s ← schedule %s → ok (%.0f ms)", worker.name, schedule.name, invocation.duration_ms)
        return invocation

    def upcoming(self) -> dict[str, str | None]:
        now = datetime.now(UTC)
        return {
            schedule.name: (moment.isoformat() if (moment := next_run(schedule.expression, now)) else None)
            for schedule, _ in self.schedules
        }

    def run(self) -> None:
        now = datetime.now(UTC)
        due = {schedule.name: next_run(schedule.expression, now) for schedule, _ in self.schedules}
        while not self.stopping.is_set():
            now = datetime.now(UTC)
            for schedule, worker in self.schedules:
                moment = due[schedule.name]
                if moment is None or moment > now:
                    continue
                try:
                    worker.invoke(schedule_input(schedule, moment))
                    log.info("%s ← schedule %s (%s) → ok", worker.name, schedule.name, moment.isoformat())
                except InvocationError as error:
                    log.warning("%s ← schedule %s → %s: %s", worker.name, schedule.name,
                                error.error_type, error.message)
                due[schedule.name] = next_run(schedule.expression, moment)
            pending = [moment for moment in due.values() if moment is not None]
            now = datetime.now(UTC)
            wait = min((moment - now).total_seconds() for moment in pending) if pending else 60.0
            self.stopping.wait(min(max(wait, 0.5), 60.0))
