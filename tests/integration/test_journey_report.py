"""The partner journey report: aggregates kept by the journey consumer from the partnership events,
read in one Query whatever the number of partnerships."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.events import eventbridge_event, sqs_message
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, sqs_event
from tests.helpers.people import CLEO, SALLY, ZED
from trellis.events import SYSTEM, EventData, EventEnvelope
from trellis.events.partners import (
    PartnershipArchived,
    PartnershipCreated,
    PartnershipDeleted,
    PartnershipRestored,
    PartnershipStageChanged,
)

TABLE = "PartnersTable"
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
Deliver = Callable[..., dict[str, Any]]


@pytest.fixture
def journey(aws: Stack, function: Callable[[str], FunctionRunner]) -> Deliver:
    """Hand envelopes to the journey consumer as one SQS batch from its queue; returns its batch response."""
    runner = function("PartnersJourneyConsumerFunction")

    def send(*envelopes: EventEnvelope | dict[str, Any]) -> dict[str, Any]:
        messages = [
            sqs_message(eventbridge_event(item) if isinstance(item, EventEnvelope) else item)
            for item in envelopes
        ]
        response: dict[str, Any] = runner.invoke(
            sqs_event(messages, queue_arn=aws.queue_arns["PartnersJourneyEventsQueue"]),
        )
        assert response["batchItemFailures"] == [], response
        return response

    return send


def _event(data: EventData, hours: float, org: str = "acme") -> EventEnvelope:
    return EventEnvelope.new(data, tenant_id=org, actor=SYSTEM, occurred_at=T0 + timedelta(hours=hours))


def created(pid: str, hours: float = 0, stage: str = "recruitment", org: str = "acme") -> EventEnvelope:
    return _event(
        PartnershipCreated(partnership_id=pid, company_name=pid, partnership_type="reseller", stage=stage),
        hours,
        org,
    )


def moved(pid: str, from_stage: str, to_stage: str, hours: float) -> EventEnvelope:
    return _event(
        PartnershipStageChanged(
            partnership_id=pid, company_name=pid, from_stage=from_stage, to_stage=to_stage
        ),
        hours,
    )


def archived(pid: str, hours: float) -> EventEnvelope:
    return _event(PartnershipArchived(partnership_id=pid, company_name=pid), hours)


def restored(pid: str, hours: float) -> EventEnvelope:
    return _event(PartnershipRestored(partnership_id=pid, company_name=pid), hours)


def deleted(pid: str, hours: float) -> EventEnvelope:
    return _event(PartnershipDeleted(partnership_id=pid, company_name=pid), hours)


def _report(partners: ApiClient, **kwargs: Any) -> dict[str, Any]:
    response = partners.get("/reports/journey", **kwargs)
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _stages(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {stage["stage_id"]: stage for stage in report["stages"]}


def test_an_empty_program_reports_zeros_and_no_time_to_first_deal(partners: ApiClient) -> None:
    response = partners.get("/reports/journey", user=CLEO)
    assert response.status == 200, response.text
    body = response.json()
    assert [stage["stage_id"] for stage in body["stages"]] == [
        "recruitment",
        "onboarding",
        "activation",
        "growth",
        "retention",
        "advocacy",
    ]
    assert all(stage["partners"] == stage["entered"] == 0 for stage in body["stages"])
    assert all(stage["median_hours_in_stage"] is None for stage in body["stages"])
    assert body["time_to_first_deal"] == {"partnerships_with_a_deal": 0, "median_days": None}
    assert response.calls.operations == ["GetItem", "Query"]


def test_partners_per_stage_conversion_and_median_time_in_stage(
    partners: ApiClient,
    journey: Deliver,
) -> None:
    journey(created("p1"), created("p2"), created("p3"))
    journey(moved("p1", "recruitment", "onboarding", 10), moved("p2", "recruitment", "onboarding", 20))
    journey(moved("p1", "onboarding", "activation", 30))
    stages = _stages(_report(partners))
    recruitment, onboarding, activation = stages["recruitment"], stages["onboarding"], stages["activation"]
    assert (recruitment["partners"], recruitment["entered"], recruitment["moved_on"]) == (1, 3, 2)
    assert recruitment["conversion_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert recruitment["next_stage_id"] == "onboarding"
    assert recruitment["completed_stays"] == 2
    # stays of 10h and 20h: the median lies between, read from √2-wide buckets
    assert 10 <= recruitment["median_hours_in_stage"] <= 20
    assert (onboarding["partners"], onboarding["entered"], onboarding["moved_on"]) == (1, 2, 1)
    assert onboarding["conversion_rate"] == 0.5
    assert 20 / 1.42 <= onboarding["median_hours_in_stage"] <= 20 * 1.42
    assert (activation["partners"], activation["entered"], activation["moved_on"]) == (1, 1, 0)
    assert activation["median_hours_in_stage"] is None
    assert (stages["advocacy"]["conversion_rate"], stages["advocacy"]["next_stage_id"]) == (None, None)


def test_a_skipped_stage_counts_as_moving_on_and_moving_back_does_not(
    partners: ApiClient,
    journey: Deliver,
) -> None:
    journey(created("p1"))
    journey(moved("p1", "recruitment", "activation", 5))
    journey(moved("p1", "activation", "onboarding", 6))
    journey(moved("p1", "onboarding", "activation", 7))
    stages = _stages(_report(partners))
    assert (stages["recruitment"]["entered"], stages["recruitment"]["moved_on"]) == (1, 1)
    # onboarding was entered (after activation) and left for a later stage: moved on once
    assert (stages["onboarding"]["entered"], stages["onboarding"]["moved_on"]) == (1, 1)
    # activation entered twice by the same partnership: one partnership
    assert (stages["activation"]["entered"], stages["activation"]["partners"]) == (1, 1)
    assert stages["activation"]["completed_stays"] == 1


def test_a_duplicate_delivery_is_counted_once(partners: ApiClient, journey: Deliver) -> None:
    first, move = created("p1"), moved("p1", "recruitment", "onboarding", 3)
    journey(first, first)
    journey(move)
    journey(move, first)
    stages = _stages(_report(partners))
    assert (stages["recruitment"]["entered"], stages["recruitment"]["partners"]) == (1, 0)
    assert (stages["onboarding"]["entered"], stages["onboarding"]["partners"]) == (1, 1)
    assert stages["recruitment"]["completed_stays"] == 1


def test_events_out_of_order_never_move_a_partnership_back_nor_count_twice(
    partners: ApiClient,
    journey: Deliver,
) -> None:
    # the second move arrives first, then the creation and the first move (older: ignored)
    journey(moved("p1", "onboarding", "activation", 20))
    journey(created("p1"), moved("p1", "recruitment", "onboarding", 10))
    stages = _stages(_report(partners))
    assert [stages[s]["partners"] for s in ("recruitment", "onboarding", "activation")] == [0, 0, 1]
    assert [stages[s]["entered"] for s in ("recruitment", "onboarding", "activation")] == [0, 1, 1]
    assert stages["onboarding"]["moved_on"] == 1
    # the length of a stay whose start was never seen is unknown: not measured
    assert stages["onboarding"]["completed_stays"] == 0


def test_archived_partnerships_leave_the_count_and_their_archived_time_is_not_a_stay(
    partners: ApiClient,
    journey: Deliver,
) -> None:
    journey(created("p1"), created("p2"))
    journey(archived("p1", 2), archived("p2", 2))
    assert _stages(_report(partners))["recruitment"]["partners"] == 0
    journey(restored("p1", 500))
    journey(moved("p1", "recruitment", "onboarding", 503), deleted("p2", 600))
    recruitment = _stages(_report(partners))["recruitment"]
    assert (recruitment["partners"], recruitment["entered"], recruitment["completed_stays"]) == (0, 2, 1)
    # 2h before the archive + 3h after the restore: about 5 hours, not 503
    assert 5 / 1.42 <= recruitment["median_hours_in_stage"] <= 5 * 1.42
    # events for a deleted partnership change nothing any more
    journey(restored("p2", 700))
    assert _stages(_report(partners))["recruitment"]["partners"] == 0


def test_the_api_events_feed_the_report(
    aws: Stack,
    partners: ApiClient,
    new_partnership: Any,
    journey: Deliver,
) -> None:
    first, second = new_partnership(), new_partnership(company_name="Contoso")
    assert partners.put(f"/partnerships/{first['id']}/stage", json_body={"stage": "onboarding"}).status == 200
    assert partners.post(f"/partnerships/{second['id']}/archive").status == 200
    events = [EventEnvelope.model_validate(event) for event in outbox_events(aws, TABLE)]
    journey(*events)
    stages = _stages(_report(partners))
    assert (stages["recruitment"]["partners"], stages["recruitment"]["entered"]) == (0, 2)
    assert (stages["onboarding"]["partners"], stages["recruitment"]["moved_on"]) == (1, 1)


def test_the_reports_reads_do_not_grow_with_the_number_of_partnerships(
    partners: ApiClient,
    journey: Deliver,
) -> None:
    def reads() -> tuple[list[str], list[int | None]]:
        response = partners.get("/reports/journey")
        return response.calls.operations, [call.items_read for call in response.calls.calls]

    journey(created("p0"), moved("p0", "recruitment", "onboarding", 1))
    small = reads()
    for batch in range(5):
        pids = [f"p{batch}-{n}" for n in range(8)]
        journey(*(created(pid) for pid in pids))
        journey(*(moved(pid, "recruitment", "onboarding", 1 + n) for n, pid in enumerate(pids)))
    large = reads()
    assert small[0] == large[0] == ["GetItem", "Query"]
    # the Query reads the stage counters and a few histogram buckets, not the 41 partnerships
    read = large[1][1]
    assert read is not None
    assert read <= 2 + 2 * 10
    assert _stages(_report(partners))["onboarding"]["partners"] == 41


def test_each_vendor_sees_its_own_journey_and_only_vendor_roles_read_it(
    partners: ApiClient,
    journey: Deliver,
) -> None:
    journey(created("p1"), created("z1", org="acme-corp"), created("z2", org="acme-corp"))
    assert _stages(_report(partners))["recruitment"]["partners"] == 1
    assert _stages(_report(partners, user=ZED))["recruitment"]["partners"] == 2
    assert_problem(partners.get("/reports/journey", user=SALLY), 403)


def test_a_malformed_event_fails_alone(
    aws: Stack, function: Callable[[str], FunctionRunner], partners: ApiClient
) -> None:
    runner = function("PartnersJourneyConsumerFunction")
    good = sqs_message(eventbridge_event(created("p1")))
    bad = sqs_message({**eventbridge_event(created("p2")), "detail": {"type": "PartnershipCreated"}})
    response = runner.invoke(sqs_event([good, bad], queue_arn=aws.queue_arns["PartnersJourneyEventsQueue"]))
    assert [failure["itemIdentifier"] for failure in response["batchItemFailures"]] == [bad["MessageId"]]
    assert _stages(_report(partners))["recruitment"]["partners"] == 1


def won(pid: str | None, hours: float, *, source: str = "partner", org: str = "acme") -> EventEnvelope:
    from decimal import Decimal

    from trellis.events.leads import DealSnapshot, DealWon

    at = T0 + timedelta(hours=hours)
    deal = DealSnapshot(
        deal_id=f"d-{pid}-{hours}",
        vendor_organisation_id=org,
        owner_organisation_id="northwind",
        name="Globex",
        status="closed_won",
        amount=Decimal(100),
        currency="EUR",
        source=source,
        partnership_id=pid,
        won_at=at,
        version=2,
    )  # type: ignore[arg-type]
    return EventEnvelope.new(DealWon(deal=deal), tenant_id=org, actor=SYSTEM, occurred_at=at)


def test_time_to_first_deal_counts_each_partnerships_earliest_won_deal(
    partners: ApiClient,
    journey: Deliver,
) -> None:
    # Given p1 created at 0 and p2 at 0; p3's deal arrives before its creation event
    journey(created("p1"), created("p2"))
    journey(won("p1", 48), won("p1", 24 * 30))  # a second, later deal changes nothing
    journey(won("p2", 24 * 10))
    journey(won("p2", 24 * 4))  # an earlier deal delivered late moves p2 to the right bucket
    journey(won("p3", 24 * 6))
    journey(created("p3", hours=0))
    # internal deals and other vendors' deals are not acme's partners' journeys
    journey(won(None, 1, source="internal"), won("p1", 1, org="acme-corp"))

    report = _report(partners)

    # days to first deal: p1 2, p2 4, p3 6 → median 4 (within the √2 bucket width)
    first = report["time_to_first_deal"]
    assert first["partnerships_with_a_deal"] == 3
    assert 4 / 1.42 <= first["median_days"] <= 4 * 1.42


def test_a_won_deal_is_counted_once_however_often_it_is_delivered(
    partners: ApiClient,
    journey: Deliver,
) -> None:
    journey(created("p1"))
    event = won("p1", 48)
    journey(event)
    journey(event)
    assert _report(partners)["time_to_first_deal"]["partnerships_with_a_deal"] == 1
