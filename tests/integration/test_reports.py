"""Reports of the leads service: the reports consumer folds the lead and deal events (SQS batches of the
envelopes the API wrote to the outbox) into aggregates; the distribution network and partner performance
reports read them, whatever the order or repetition of delivery, each caller seeing what its role allows."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.events import eventbridge_event, sqs_message
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, User, sqs_event
from tests.helpers.leads_world import (
    CONTOSO,
    DINA,
    DIST_A,
    DIST_B,
    DORI,
    FABRIKAM,
    FAY,
    NORTHWIND,
    OTHER,
    ROB,
    VENDOR,
)
from tests.helpers.people import ANA, CLEO, SALLY, ZED
from trellis.events import SYSTEM, EventEnvelope
from trellis.events.leads import AttributionLink, DealSnapshot, DealUpdated, LeadCreated, LeadSnapshot

TABLE = "LeadsTable"
NETWORK, PERFORMANCE = "/reports/distribution-network", "/reports/partner-performance"
REPORTED = {
    "LeadCreated",
    "LeadSent",
    "LeadAccepted",
    "LeadDeclined",
    "DealCreated",
    "DealUpdated",
    "DealWon",
}
Feed = Callable[..., None]


@pytest.fixture
def leads(service: Callable[..., ApiClient], program: None) -> ApiClient:
    return service("leads", ANA)


@pytest.fixture
def deliver(aws: Stack, function: Callable[[str], FunctionRunner]) -> Feed:
    """Hand envelopes to the reports consumer in SQS batches of 10 from its queue; no failure allowed."""
    runner = function("LeadsReportsConsumerFunction")

    def send(envelopes: list[EventEnvelope]) -> None:
        for start in range(0, len(envelopes), 10):
            messages = [
                sqs_message(eventbridge_event(envelope)) for envelope in envelopes[start : start + 10]
            ]
            response = runner.invoke(sqs_event(messages, queue_arn=aws.queue_arns["LeadsReportsEventsQueue"]))
            assert response["batchItemFailures"] == [], response

    return send


def _outbox(aws: Stack) -> list[EventEnvelope]:
    """The lead and deal events the API wrote (the types the reports rule routes), oldest first."""
    return [
        EventEnvelope.model_validate(event)
        for event in outbox_events(aws, TABLE)
        if event["type"] in REPORTED
    ]


@pytest.fixture
def feed(aws: Stack, deliver: Feed) -> Feed:
    """Deliver every reported event of the outbox (in order, unless told otherwise)."""

    def send(order: Callable[[list[EventEnvelope]], list[EventEnvelope]] = list) -> None:
        deliver(order(_outbox(aws)))

    return send


def _ok(response: Any) -> dict[str, Any]:
    assert response.status in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def _report(api: ApiClient, path: str = NETWORK, user: User = ANA, **query: Any) -> dict[str, Any]:
    return _ok(api.get(path, user=user, query=query))


def _money(figures: dict[str, Any], name: str) -> dict[str, str]:
    return {entry["currency"]: entry["amount"] for entry in figures[name]}


def _distributors(report: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    return {row["distributor_id"]: row for row in report["distributors"]}


def _resellers(row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {reseller["partnership_id"]: reseller for reseller in row["resellers"]}


def _partners(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["partnership_id"]: row for row in report["partners"]}


# ---------------------------------------------------------------- a network made through the API


def _lead(
    api: ApiClient,
    user: User,
    name: str,
    partnership: str,
    reseller: str | None = None,
    value: str | None = None,
    currency: str = "EUR",
) -> str:
    body: dict[str, Any] = {"company_name": name, "partnership_id": partnership}
    if reseller:
        body["reseller_partnership_id"] = reseller
    if value:
        body |= {"estimated_value": value, "currency": currency}
    return str(_ok(api.post("/leads", user=user, json_body=body))["id"])


def _accept(api: ApiClient, user: User, lead_id: str) -> str:
    return str(_ok(api.post(f"/leads/{lead_id}/accept", user=user))["deal_id"])


def _network(api: ApiClient) -> dict[str, str]:
    """Dista submits three leads for Contoso (two accepted: one won for 1,000 EUR, one open for 500 EUR;
    one declined); Distb one for Fabrikam (waiting); acme sends one to Northwind, accepted (open, 200 USD)."""
    won = _lead(api, DINA, "Globex", DIST_A, CONTOSO, "900")
    open_ = _lead(api, DINA, "Initech", DIST_A, CONTOSO, "500")
    declined = _lead(api, DINA, "Hooli", DIST_A, CONTOSO)
    waiting = _lead(api, DORI, "Umbrella", DIST_B, FABRIKAM, "50")
    direct = _lead(api, ANA, "Stark", NORTHWIND, value="200", currency="USD")
    deals = {
        "won": _accept(api, ROB, won),
        "open": _accept(api, ROB, open_),
        "direct": _accept(api, SALLY, direct),
    }
    _ok(api.post(f"/leads/{declined}/decline", user=ROB, json_body={"reason": "Not our region"}))
    _ok(api.patch(f"/deals/{deals['won']}", user=ROB, json_body={"amount": "1000", "status": "closed_won"}))
    return {"waiting": waiting, "declined": declined, **deals}


def _assert_the_network(report: dict[str, Any]) -> None:
    rows = _distributors(report)
    assert list(rows) == [DIST_A, DIST_B, None]
    dista = rows[DIST_A]
    assert (dista["company_name"], dista["vendor_organisation_id"]) == ("Dista", VENDOR)
    assert (
        dista["leads"],
        dista["partner_sourced_leads"],
        dista["leads_pending"],
        dista["leads_accepted"],
        dista["leads_declined"],
    ) == (3, 3, 0, 2, 1)
    assert (dista["acceptance_rate"], dista["deals_won"], dista["win_rate"]) == (0.6667, 1, 0.5)
    assert _money(dista, "won_revenue") == {"EUR": "1000.00"}
    assert (dista["deals_open"], _money(dista, "pipeline"), dista["deals_lost"]) == (1, {"EUR": "500.00"}, 0)
    contoso = _resellers(dista)[CONTOSO]
    assert (contoso["company_name"], contoso["partnership_type"], contoso["leads"]) == (
        "Contoso",
        "reseller",
        3,
    )
    distb = rows[DIST_B]
    assert (distb["leads"], distb["leads_pending"], distb["acceptance_rate"], distb["win_rate"]) == (
        1,
        1,
        0.0,
        None,
    )
    assert list(_resellers(distb)) == [FABRIKAM]
    direct = rows[None]
    assert (direct["company_name"], list(_resellers(direct))) == (None, [NORTHWIND])
    northwind = _resellers(direct)[NORTHWIND]
    assert (northwind["tier"], northwind["leads"], northwind["partner_sourced_leads"]) == ("gold", 1, 0)
    assert (northwind["deals_open"], _money(northwind, "pipeline")) == (1, {"USD": "200.00"})
    totals = report["totals"]
    assert (totals["leads"], totals["leads_accepted"], totals["deals_won"], totals["deals_open"]) == (
        5,
        3,
        1,
        2,
    )
    assert _money(totals, "pipeline") == {"EUR": "500.00", "USD": "200.00"}
    this_month = f"{datetime.now(UTC):%Y-%m}"
    assert report["period"]["last_month"] == this_month
    assert len(report["months"]) == 12
    month = report["months"][-1]
    assert (month["month"], month["leads"], month["deals_won"], _money(month, "won_revenue")) == (
        this_month,
        5,
        1,
        {"EUR": "1000.00"},
    )
    assert all(month["leads"] == 0 for month in report["months"][:-1])
    # no ledger entries counted yet (see the commission distribution test)
    assert report["commissions"] == {"beneficiaries": []}


def test_the_network_report_shows_lead_flow_conversion_and_resellers_per_distributor(
    leads: ApiClient,
    feed: Feed,
) -> None:
    # Given a network's leads and deals made through the API, their events delivered to the consumer
    _network(leads)
    feed()

    # When the vendor reads the distribution network report
    report = _report(leads, user=CLEO)

    # Then each distributor shows its flow, conversion and resellers; direct partners come last
    _assert_the_network(report)


def test_the_partner_performance_report_per_partner_tier_and_month(leads: ApiClient, feed: Feed) -> None:
    _network(leads)
    feed()

    report = _report(leads, PERFORMANCE)

    partners = _partners(report)
    assert list(partners) == [CONTOSO, FABRIKAM, NORTHWIND]  # most won, most leads, by name
    contoso = partners[CONTOSO]
    assert (contoso["distributor_ids"], contoso["tier"], contoso["deals_won"], contoso["win_rate"]) == (
        [DIST_A],
        None,
        1,
        0.5,
    )
    assert (_money(contoso, "won_revenue"), _money(contoso, "pipeline")) == (
        {"EUR": "1000.00"},
        {"EUR": "500.00"},
    )
    assert (partners[NORTHWIND]["tier"], partners[NORTHWIND]["distributor_ids"]) == ("gold", [])
    tiers = {row["tier"]: row for row in report["tiers"]}
    assert list(tiers) == ["gold", None]
    assert (tiers["gold"]["partners"], tiers["gold"]["leads"], _money(tiers["gold"], "pipeline")) == (
        1,
        1,
        {"USD": "200.00"},
    )
    assert (tiers[None]["partners"], tiers[None]["leads"], tiers[None]["deals_won"]) == (2, 4, 1)
    assert report["months"][-1]["leads"] == 5
    assert report["totals"]["leads"] == 5
    assert report["commissions"] is None


# ---------------------------------------------------------------- unordered and repeated delivery


def test_any_delivery_order_and_redelivery_end_in_the_same_figures(
    leads: ApiClient,
    aws: Stack,
    deliver: Feed,
) -> None:
    # Given the network's events delivered newest first, each twice, in shuffled batches
    _network(leads)
    events = _outbox(aws)
    deliver(list(reversed(events)))
    shuffled = events * 2
    random.Random(4).shuffle(shuffled)
    deliver(shuffled)

    # Then the report is the one of the newest snapshots
    _assert_the_network(_report(leads))


def test_a_won_deal_reopened_then_lost_moves_its_figures_back(leads: ApiClient, feed: Feed) -> None:
    deals = _network(leads)
    # Given the won deal reopened (won revenue goes back to the pipeline)
    _ok(leads.patch(f"/deals/{deals['won']}", user=ROB, json_body={"status": "open"}))
    feed()
    dista = _distributors(_report(leads))[DIST_A]
    assert (dista["deals_won"], dista["won_revenue"], dista["deals_open"]) == (0, [], 2)
    assert _money(dista, "pipeline") == {"EUR": "1500.00"}

    # When it is lost, and the other deal's amount changes
    _ok(leads.patch(f"/deals/{deals['won']}", user=ROB, json_body={"status": "closed_lost"}))
    _ok(leads.patch(f"/deals/{deals['open']}", user=ROB, json_body={"amount": "750.50"}))
    feed()

    # Then it counts as lost and no longer in the pipeline
    dista = _distributors(_report(leads))[DIST_A]
    assert (dista["deals_won"], dista["deals_open"], dista["deals_lost"]) == (0, 1, 1)
    assert _money(dista, "pipeline") == {"EUR": "750.50"}


def test_a_declined_lead_sent_on_counts_for_its_new_partner(leads: ApiClient, feed: Feed) -> None:
    lead = _lead(leads, ANA, "Initech", NORTHWIND)
    _ok(leads.post(f"/leads/{lead}/decline", user=SALLY, json_body={"reason": "No capacity"}))
    feed()
    assert _resellers(_distributors(_report(leads))[None])[NORTHWIND]["leads_declined"] == 1

    _ok(leads.post(f"/leads/{lead}/send", json_body={"partnership_id": CONTOSO}))
    feed()

    direct = _resellers(_distributors(_report(leads))[None])
    assert list(direct) == [CONTOSO]
    assert (direct[CONTOSO]["leads"], direct[CONTOSO]["leads_pending"]) == (1, 1)


def test_leads_and_deals_without_a_partner_count_nowhere(leads: ApiClient, feed: Feed) -> None:
    # a vendor's lead not sent yet, and an internal deal won
    _ok(leads.post("/leads", json_body={"company_name": "Wayne"}))
    _ok(
        leads.post(
            "/deals", json_body={"name": "Wayne", "status": "closed_won", "amount": "10", "currency": "EUR"}
        )
    )
    feed()

    for path in (NETWORK, PERFORMANCE):
        report = _report(leads, path)
        assert (report["totals"]["leads"], report["totals"]["deals_won"]) == (0, 0)


def test_a_malformed_event_fails_alone(
    aws: Stack, leads: ApiClient, function: Callable[[str], FunctionRunner]
) -> None:
    lead = _snapshot_lead(1, MARCH)
    good = sqs_message(eventbridge_event(_created(lead)))
    broken = eventbridge_event(_created(lead.model_copy(update={"lead_id": "e" * 32})))
    del broken["detail"]["data"]["lead"]["partnership_id"], broken["detail"]["data"]["lead"]["created_at"]
    bad = sqs_message(broken)
    runner = function("LeadsReportsConsumerFunction")
    response = runner.invoke(sqs_event([good, bad], queue_arn=aws.queue_arns["LeadsReportsEventsQueue"]))
    assert [failure["itemIdentifier"] for failure in response["batchItemFailures"]] == [bad["MessageId"]]
    assert _report(leads, **{"from": "2025-03", "to": "2025-03"})["totals"]["leads"] == 1


# ---------------------------------------------------------------- filters


def _snapshot_lead(
    number: int,
    created_at: datetime,
    *,
    reseller: str = CONTOSO,
    distributor: str | None = DIST_A,
    status: str = "sent",
    version: int = 1,
) -> LeadSnapshot:
    chain = [AttributionLink(role="vendor", organisation_id=VENDOR)]
    if distributor:
        chain.append(AttributionLink(role="distributor", organisation_id="dista", partnership_id=distributor))
    chain.append(AttributionLink(role="reseller", organisation_id="contoso", partnership_id=reseller))
    return LeadSnapshot(
        lead_id=f"{number:032x}",
        vendor_organisation_id=VENDOR,
        origin="distributor" if distributor else "partner",
        status=status,
        sender_organisation_id="dista",
        receiver_organisation_id="contoso",  # type: ignore[arg-type]
        partnership_id=reseller,
        distributor_partnership_id=distributor,
        company_name=f"Customer {number}",
        attribution=chain,
        created_at=created_at,
        version=version,
    )


def _created(snapshot: LeadSnapshot) -> EventEnvelope:
    return EventEnvelope.new(
        LeadCreated(lead=snapshot), tenant_id=VENDOR, actor=SYSTEM, occurred_at=snapshot.created_at
    )


def _won_deal(
    number: int, won_at: datetime, amount: str, *, reseller: str = CONTOSO, distributor: str | None = DIST_A
) -> DealSnapshot:
    return DealSnapshot(
        deal_id=f"d{number:031x}",
        vendor_organisation_id=VENDOR,
        owner_organisation_id="contoso",
        name=f"Deal {number}",
        status="closed_won",
        amount=Decimal(amount),
        currency="EUR",
        source="partner",
        partnership_id=reseller,
        distributor_partnership_ids=[distributor] if distributor else [],
        won_at=won_at,
        version=2,
    )


def _envelope(snapshot: LeadSnapshot | DealSnapshot) -> EventEnvelope:
    if isinstance(snapshot, LeadSnapshot):
        return _created(snapshot)
    assert snapshot.won_at is not None
    return EventEnvelope.new(
        DealUpdated(deal=snapshot, previous_status="open", changed=["status"]),
        tenant_id=VENDOR,
        actor=SYSTEM,
        occurred_at=snapshot.won_at,
    )


def _won(number: int, won_at: datetime, amount: str) -> EventEnvelope:
    return _envelope(_won_deal(number, won_at, amount))


MARCH, APRIL, MAY = (datetime(2025, month, 10, tzinfo=UTC) for month in (3, 4, 5))


def test_the_period_and_filters_select_months_distributors_resellers_tiers_and_statuses(
    leads: ApiClient,
    deliver: Feed,
) -> None:
    # Given leads in March (Contoso via Dista), April (Fabrikam via Distb, accepted) and May (Northwind,
    # direct), and a deal won in April via Dista
    deliver(
        [
            _created(_snapshot_lead(1, MARCH)),
            _created(_snapshot_lead(2, MARCH)),
            _created(_snapshot_lead(3, APRIL, reseller=FABRIKAM, distributor=DIST_B, status="accepted")),
            _created(_snapshot_lead(4, MAY, reseller=NORTHWIND, distributor=None)),
            _won(5, APRIL, "300.10"),
        ]
    )

    # the period
    report = _report(leads, **{"from": "2025-03", "to": "2025-04"})
    assert report["period"] == {"first_month": "2025-03", "last_month": "2025-04"}
    assert [(month["month"], month["leads"], month["deals_won"]) for month in report["months"]] == [
        ("2025-03", 2, 0),
        ("2025-04", 1, 1),
    ]
    assert sorted(row["distributor_id"] for row in report["distributors"]) == [DIST_A, DIST_B]
    assert _report(leads, **{"from": "2025-05"})["totals"]["leads"] == 1  # from May to this month
    assert _report(leads, to="2025-04")["totals"]["leads"] == 3  # the 12 months up to April
    # one distributor's network
    only_a = _report(leads, **{"from": "2025-01", "to": "2025-06", "distributor_id": DIST_A})
    assert list(_distributors(only_a)) == [DIST_A]
    assert (only_a["totals"]["leads"], _money(only_a["totals"], "won_revenue")) == (2, {"EUR": "300.10"})
    # one reseller
    fabrikam = _report(leads, **{"from": "2025-01", "to": "2025-06", "reseller_id": FABRIKAM})
    assert list(_distributors(fabrikam)) == [DIST_B]
    assert fabrikam["totals"]["leads_accepted"] == 1
    # a status group: partners with accepted leads, then with won deals
    accepted = _report(leads, **{"from": "2025-01", "to": "2025-06", "status": "accepted"})
    assert list(_distributors(accepted)) == [DIST_B]
    won = _report(leads, PERFORMANCE, **{"from": "2025-01", "to": "2025-06", "status": "won"})
    assert list(_partners(won)) == [CONTOSO]
    # a tier (the partners' tier now)
    gold = _report(leads, PERFORMANCE, **{"from": "2025-01", "to": "2025-06", "tier": "gold"})
    assert list(_partners(gold)) == [NORTHWIND]
    assert [row["tier"] for row in gold["tiers"]] == ["gold"]
    # partner performance of one partner, per month
    contoso = _report(leads, PERFORMANCE, **{"from": "2025-03", "to": "2025-05", "partnership_id": CONTOSO})
    assert [(month["leads"], month["deals_won"]) for month in contoso["months"]] == [(2, 0), (0, 1), (0, 0)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2025-13"}, "from"),
        ({"to": "March"}, "to"),
        ({"from": "2025-05", "to": "2025-04"}, "from"),
        ({"from": "2023-01", "to": "2025-01"}, "to"),
        ({"status": "closed"}, "status"),
        ({"distributor_id": "a#b"}, "distributor_id"),
        ({"reseller_id": "x" * 65}, "reseller_id"),
        ({"tier": "Gold!"}, "tier"),
    ],
)
def test_bad_filters_are_422_naming_the_field(leads: ApiClient, query: dict[str, str], field: str) -> None:
    assert_problem(leads.get(NETWORK, query=query), 422, field)


def test_bad_partner_performance_filters_are_422_naming_the_field(leads: ApiClient) -> None:
    assert_problem(leads.get(PERFORMANCE, query={"partnership_id": "no spaces"}), 422, "partnership_id")
    assert_problem(leads.get(PERFORMANCE, query={"from": "2024-01", "to": "2026-01"}), 422, "to")


# ---------------------------------------------------------------- who sees what


def test_a_distributor_sees_only_its_own_network(leads: ApiClient, feed: Feed) -> None:
    _network(leads)
    feed()

    mine = _report(leads, user=DINA)
    assert list(_distributors(mine)) == [DIST_A]
    assert list(_resellers(mine["distributors"][0])) == [CONTOSO]
    assert all(reseller["tier"] is None for reseller in mine["distributors"][0]["resellers"])
    assert (mine["totals"]["leads"], _money(mine["totals"], "pipeline")) == (3, {"EUR": "500.00"})
    assert list(_distributors(_report(leads, user=DORI))) == [DIST_B]
    assert _report(leads, user=DINA, distributor_id=DIST_A, reseller_id=CONTOSO)["totals"]["leads"] == 3

    # another distributor's network, or a reseller outside its own, does not exist for it
    assert_problem(leads.get(NETWORK, user=DINA, query={"distributor_id": DIST_B}), 404, "distributor_id")
    assert_problem(leads.get(NETWORK, user=DINA, query={"reseller_id": FABRIKAM}), 404, "reseller_id")
    assert_problem(leads.get(NETWORK, user=DINA, query={"reseller_id": NORTHWIND}), 404, "reseller_id")
    # tiers are the vendor's
    assert_problem(leads.get(NETWORK, user=DINA, query={"tier": "gold"}), 403, "tier")


@pytest.mark.parametrize("role", ["marketing", "project_manager"])
def test_a_distributors_marketers_and_project_managers_read_no_network_figures(
    leads: ApiClient, feed: Feed, role: str,
) -> None:
    """Lead and deal figures are for the roles that read leads and deals (the portal's network room)."""
    _network(leads)
    feed()

    response = leads.get(NETWORK, user=User(f"u-dista-{role}", "dista", (role,), f"{role}@dista.example"))

    assert_problem(response, 403)
    assert "Globex" not in response.text
    assert _report(leads, user=User("u-dista-exec", "dista", ("executive",), "x@dista.example"))[
        "totals"]["leads"] == 3


def test_resellers_partners_and_other_vendors_see_nothing_of_the_network(
    leads: ApiClient, feed: Feed
) -> None:
    _network(leads)
    feed()

    # a reseller (also a partner of another vendor) and a plain partner: not their report
    for user in (ROB, SALLY, FAY):
        assert_problem(leads.get(NETWORK, user=user), 403)
    # partner performance is the vendor's
    for user in (DINA, ROB, SALLY):
        assert_problem(leads.get(PERFORMANCE, user=user), 403)
    # another vendor reads its own (empty) program, and acme's partnerships do not exist for it
    for path in (NETWORK, PERFORMANCE):
        other = _report(leads, path, user=ZED)
        assert other["totals"]["leads"] == 0
        assert other.get("distributors", other.get("partners")) == []
    assert_problem(leads.get(NETWORK, user=ZED, query={"distributor_id": DIST_A}), 404, "distributor_id")
    assert_problem(leads.get(NETWORK, user=ZED, query={"reseller_id": CONTOSO}), 404, "reseller_id")
    assert_problem(
        leads.get(PERFORMANCE, user=ZED, query={"partnership_id": NORTHWIND}), 404, "partnership_id"
    )
    # and acme cannot name acme-corp's partnership, nor call a reseller a distributor
    assert_problem(leads.get(PERFORMANCE, query={"partnership_id": OTHER}), 404, "partnership_id")
    assert_problem(leads.get(NETWORK, query={"distributor_id": CONTOSO}), 404, "distributor_id")


# ---------------------------------------------------------------- cost


def _reads(api: ApiClient, path: str, **query: Any) -> tuple[list[str], list[int | None]]:
    response = api.get(path, query=query)
    assert response.status == 200, response.text
    return response.calls.operations, [call.items_read for call in response.calls.calls]


def _add_directly(runner: FunctionRunner, snapshots: list[LeadSnapshot | DealSnapshot]) -> None:
    """Add what the reports consumer would add for these snapshots (its own contribution logic), summed
    per cell and written with one ADD per cell: moto copies every table for each transaction, so
    hundreds of events through the consumer would take minutes (the consumer's path is what the other
    tests prove)."""
    from leads.dal import reports as dal
    from leads.dal.tables import ReportCellItem
    from leads.logic.report_figures import deal_contribution, lead_contribution

    sums: dict[Any, dict[str, Decimal]] = {}
    for snapshot in snapshots:
        contribution = (
            lead_contribution(snapshot) if isinstance(snapshot, LeadSnapshot) else deal_contribution(snapshot)
        )
        for cell, figures in contribution.cells().items():
            for name, amount in figures.items():
                sums.setdefault(cell, {})[name] = sums.get(cell, {}).get(name, Decimal(0)) + amount
    with runner.env_applied():
        for cell, figures in sums.items():
            ReportCellItem(dal.scope_pk(VENDOR, cell.scope), dal.cell_sk(cell)).update(
                actions=dal.cell_actions(cell, figures)
            )


def test_each_report_reads_the_same_at_10_and_200_leads(
    leads: ApiClient,
    deliver: Feed,
    function: Callable[[str], FunctionRunner],
) -> None:
    partners = [(CONTOSO, DIST_A), (FABRIKAM, DIST_B), (NORTHWIND, None)]
    first = datetime.now(UTC).replace(day=1, hour=12) - timedelta(days=40)  # last month and this one

    def leads_and_deals(start: int, count: int) -> list[LeadSnapshot | DealSnapshot]:
        snapshots: list[LeadSnapshot | DealSnapshot] = []
        for number in range(start, start + count):
            reseller, distributor = partners[number % 3]
            moment = first + timedelta(days=40 * (number % 2))
            snapshots.append(_snapshot_lead(number, moment, reseller=reseller, distributor=distributor))
            snapshots.append(_won_deal(number, moment, "10.00", reseller=reseller, distributor=distributor))
        return snapshots

    # Given 10 leads and their won deals, through the consumer
    deliver([_envelope(snapshot) for snapshot in leads_and_deals(0, 10)])
    small = {path: _reads(leads, path) for path in (NETWORK, PERFORMANCE)}
    small_a = _reads(leads, NETWORK, distributor_id=DIST_A)

    # When 190 more are added
    _add_directly(function("LeadsReportsConsumerFunction"), leads_and_deals(10, 190))
    large = {path: _reads(leads, path) for path in (NETWORK, PERFORMANCE)}

    # Then each report makes the same calls and reads the same items
    assert _report(leads)["totals"]["leads"] == 200
    assert _money(_report(leads)["totals"], "won_revenue") == {"EUR": "2000.00"}
    assert small == large
    assert small[NETWORK][0] == ["Query", "Query", "BatchGetItem", "Query"]
    assert _reads(leads, NETWORK, distributor_id=DIST_A) == small_a
    assert small_a[0] == ["GetItem", "Query", "Query", "BatchGetItem", "Query"]


def test_commission_distribution_per_beneficiary_and_a_distributor_sees_its_own_share(
    leads: ApiClient,
    aws: Stack,
    deliver: Feed,
    ledger: Callable[..., Any],
) -> None:
    # Given a distributor's lead won by its reseller: the ledger pays 10 %, 30 % of it to the distributor
    lead = _ok(
        leads.post(
            "/leads",
            user=DINA,
            json_body={
                "company_name": "Umbrella",
                "partnership_id": DIST_A,
                "reseller_partnership_id": CONTOSO,
            },
        )
    )
    deal_id = _accept(leads, ROB, lead["id"])
    _ok(
        leads.patch(
            f"/deals/{deal_id}",
            user=ROB,
            json_body={"status": "closed_won", "amount": "9000", "currency": "EUR"},
        )
    )
    ledger(
        *[
            EventEnvelope.model_validate(event)
            for event in outbox_events(aws, TABLE)
            if event["type"] in ("DealCreated", "DealUpdated")
        ]
    )
    entries = [
        EventEnvelope.model_validate(event)
        for event in outbox_events(aws, TABLE)
        if event["type"] in ("CommissionEarned", "CommissionAdjusted")
    ]
    assert len(entries) == 2

    # When the reports consumer counts them, twice (a redelivery under new event ids)
    deliver(entries)
    deliver([entry.model_copy(update={"id": f"again-{entry.id}"}) for entry in entries])

    # Then the vendor sees each beneficiary's share once; the distributor only its own
    vendor = _report(leads)["commissions"]["beneficiaries"]
    assert {(b["partnership_id"], b["role"]): b["earned"] for b in vendor} == {
        (CONTOSO, "reseller"): [{"currency": "EUR", "amount": "630.00"}],
        (DIST_A, "distributor"): [{"currency": "EUR", "amount": "270.00"}],
    }
    own = _report(leads, user=DINA)["commissions"]["beneficiaries"]
    assert [(b["partnership_id"], b["earned"]) for b in own] == [
        (DIST_A, [{"currency": "EUR", "amount": "270.00"}])
    ]
    assert _report(leads, user=DORI)["commissions"]["beneficiaries"] == []
