"""A whole partner program, deterministic from a seed, written fast: ``python -m bench.generate``.

Sizes (issue #8): S = 50 partnerships and 1,000 leads, M = 500 and 10,000, L = 5,000 partnerships
(two distributor levels), 100,000 leads, 20,000 deals and 1,000 users. Every item is built with the
services' own item classes and key builders (partners and leads ``dal``), so a generated program is
what the services themselves would have written: partnerships with their list entries, ICPs, the
distributor network (distributors, sub-distributors, their resellers), the vendor's users and the
partner organisations' users, the leads service's partnership projections with their routing rows,
and the vendor's copies of leads and deals. Items are written with BatchWriteItem (25 a call),
retrying UnprocessedItems with a growing pause.

Fill the running local stack (``make run``) for a demo, owned by the demo vendor so its admin sees
it in the web app::

    python -m bench.generate --size M --org org-acme --endpoint http://127.0.0.1:<moto port>

or ``make demo-data SIZE=M`` (``--stack http://127.0.0.1:3000``: the moto endpoint is read from the
stack's ``/local/health``).

Not generated (yet): the partner organisations' copies of leads and deals, the report cells
(``bench/reports.py`` fills its own), accounts, commissions and notifications.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from local.template import ROOT

for _path in (ROOT / "shared", ROOT / "services" / "partners", ROOT / "services" / "leads"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

PARTNERS_TABLE, LEADS_TABLE = "PartnersTable", "LeadsTable"
BATCH = 25  # BatchWriteItem's limit


@dataclass(frozen=True)
class Size:
    partnerships: int
    leads: int
    deals: int
    users: int
    distributors: int  # first level; each has sub-distributors (the second level)


SIZES = {
    "S": Size(partnerships=50, leads=1_000, deals=200, users=20, distributors=2),
    "M": Size(partnerships=500, leads=10_000, deals=2_000, users=100, distributors=10),
    "L": Size(partnerships=5_000, leads=100_000, deals=20_000, users=1_000, distributors=50),
}

COUNTRIES = ("DE", "US", "GB", "FR", "NL", "ES", "IT", "SE", "PL", "CA", "AU", "AT", "CH", "BE", "DK",
             "NO", "FI", "IE", "PT", "CZ", "JP", "SG", "BR", "MX", "IN")
WEIGHTS = tuple(1 / (rank + 1) ** 0.8 for rank in range(len(COUNTRIES)))  # a program is never even
INDUSTRIES = ("software_saas", "it_services", "financial_services", "healthcare", "manufacturing",
              "retail_ecommerce", "consulting_professional_services", "telecommunications")
TYPES = ("referral", "reseller", "reseller", "reseller", "implementation", "technology")
TIERS = (("platinum", "Platinum"), ("gold", "Gold"), ("silver", "Silver"), ("bronze", "Bronze"))
TIER_WEIGHTS = (1, 3, 6, 10)
STAGES = ("recruitment", "onboarding", "activation", "growth", "retention", "advocacy")
STAGE_WEIGHTS = (3, 3, 4, 5, 3, 1)
KEYWORDS = tuple(f"keyword {index}" for index in range(40))
SUB_CATEGORIES = tuple(f"segment {index}" for index in range(15))
NAME_PARTS = (("Nord", "Blue", "Summit", "Bright", "Iron", "Cedar", "Vertex", "Delta", "Orbit", "Harbor",
               "Pioneer", "Atlas", "Nimbus", "Quartz", "Sierra"),
              ("Systems", "Consulting", "Digital", "Networks", "Solutions", "Partners", "Labs", "IT",
               "Data", "Cloud"),
              ("GmbH", "Ltd", "Inc.", "SA", "BV", "AB", "S.r.l.", "Oy"))
CURRENCIES = {"US": "USD", "GB": "GBP", "CH": "CHF", "SE": "SEK", "CA": "CAD", "AU": "AUD", "JP": "JPY"}
LEAD_STATUSES: tuple[Literal["sent", "accepted", "declined"], ...] = (
    "sent", "accepted", "accepted", "declined")
DEAL_STATUSES: tuple[Literal["open", "closed_won", "closed_lost"], ...] = (
    "open", "open", "closed_won", "closed_lost")
VENDOR_ROLES = ("admin", "partner_manager", "partner_manager", "member")
PARTNER_ROLES = ("partner_admin", "sales", "sales", "marketing")


@dataclass
class Program:
    """What was generated: items per table and kind (for the tests and the summary line)."""

    organisation_id: str
    partnerships: list[str] = field(default_factory=list)
    distributors: list[str] = field(default_factory=list)
    sub_distributors: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)


def _name(rng: random.Random) -> str:
    return " ".join(rng.choice(part) for part in NAME_PARTS)


def _id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _icp(rng: random.Random) -> dict[str, Any]:
    shape = rng.random()
    picked = rng.choices(COUNTRIES, WEIGHTS, k=rng.randint(1, 3))
    countries = [] if shape < 0.1 else list(dict.fromkeys(picked))
    return {
        "countries": countries,
        "industries": rng.sample(INDUSTRIES, rng.randint(0, 3)),
        "company_size": {"min_employees": rng.choice((None, 10, 50, 200)),
                         "max_employees": rng.choice((None, 500, 5000))},
        "keywords": rng.sample(KEYWORDS, rng.randint(0, 6)),
        "sub_categories": rng.sample(SUB_CATEGORIES, rng.randint(0, 3)),
    }


def program_items(size: Size, *, seed: int, organisation_id: str,
                  program: Program | None = None) -> Iterator[tuple[str, Any]]:
    """(table, PynamoDB item) pairs of a whole program; the same seed gives the same items."""
    from leads.dal import partnerships as views
    from leads.dal import routing
    from partners.dal import network, organisations, profiles
    from partners.dal import partnerships as dal
    from partners.dal.tables import EntryAttribute, ProgramItem
    from trellis.events.profiles import Icp

    rng = random.Random(seed)  # nosec B311 # seeded demo and bench data, not security
    program = program if program is not None else Program(organisation_id)
    org = organisation_id
    start = datetime(2024, 1, 1, tzinfo=UTC)

    def emit(table: str, item: Any) -> tuple[str, Any]:
        program.kinds[f"{table}:{type(item).__name__}"] += 1
        return table, item

    # The vendor: its program lists and its users (a tenth of all users; the rest are partners').
    program_item = ProgramItem(pk=f"ORG#{org}#", sk="PROGRAM#", organisation_id=org, updated_at=start,
                               tiers=[EntryAttribute(id=tier, name=name) for tier, name in TIERS])
    program_item.version = 1
    yield emit(PARTNERS_TABLE, program_item)
    yield emit(LEADS_TABLE, routing.tier_order_item(org, list(TIERS), start))
    module = network.new_module(org)
    module.enabled, module.updated_at, module.version = True, start, 1
    yield emit(PARTNERS_TABLE, module)
    vendor_users = max(1, size.users // 10)
    managers: list[str] = []
    for index in range(vendor_users):
        user_id = f"u-{org}-{index:05d}"
        role = "admin" if index == 0 else rng.choice(VENDOR_ROLES)
        managers += [user_id] if role == "partner_manager" else []
        email = f"user{index}@{org}.example"
        yield emit(PARTNERS_TABLE, organisations.new_user_item(org, user_id, email=email,
                                                                name=f"Vendor user {index}", roles={role}))
        yield emit(PARTNERS_TABLE, organisations.email_claim_item(org, email, user_id))

    # Partnerships: the first ones are distributors (first level), then sub-distributors (second
    # level, under a distributor), the rest are resellers and others, a third of the resellers under
    # a (sub-)distributor.
    subs_per_distributor = 2
    partner_users = size.users - vendor_users
    users_left = partner_users
    leads_view: list[tuple[str, str, str | None, str, str]] = []  # (pid, type, upstream, partner org, name)
    upstream_of: dict[str, str] = {}
    for index in range(size.partnerships):
        pid = _id(rng)
        created = start + timedelta(minutes=7 * index)
        if index < size.distributors:
            kind, parent = "distributor", None
            program.distributors.append(pid)
        elif index < size.distributors * (1 + subs_per_distributor):
            parent_index = (index - size.distributors) // subs_per_distributor
            kind, parent = "distributor", program.distributors[parent_index]
            program.sub_distributors.append(pid)
        else:
            kind = rng.choice(TYPES)
            under = program.distributors + program.sub_distributors
            parent = rng.choice(under) if kind == "reseller" and under and rng.random() < 0.33 else None
        country = rng.choices(COUNTRIES, WEIGHTS)[0]
        tier = rng.choices(TIERS, TIER_WEIGHTS)[0][0]
        stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
        name = _name(rng)
        partner_org = f"org-p{pid[:12]}" if rng.random() < 0.9 else None
        item = dal.new_partnership_item(
            org, pid, company_name=name, partnership_type=kind, country=country, tier=tier, stage=stage,
            website=f"https://{pid[:10]}.example", website_domain=f"{pid[:10]}.example",
            stage_changed_at=created + timedelta(days=rng.randint(0, 300)), created_at=created,
            updated_at=created, assigned_user_ids=rng.sample(managers, min(len(managers), rng.randint(0, 1))),
            partner_organisation_id=partner_org,
        )
        item.version = 1
        program.partnerships.append(pid)
        yield emit(PARTNERS_TABLE, item)
        for entry in dal.index_items(item):
            yield emit(PARTNERS_TABLE, entry)
        icp_values = _icp(rng)
        icp = profiles.new_icp(item)
        icp.countries, icp.industries = icp_values["countries"], icp_values["industries"]
        icp.min_employees = icp_values["company_size"]["min_employees"]
        icp.max_employees = icp_values["company_size"]["max_employees"]
        icp.keywords, icp.sub_categories = icp_values["keywords"], icp_values["sub_categories"]
        icp.version = 1
        icp.updated_at = created
        yield emit(PARTNERS_TABLE, icp)
        if kind == "distributor" or parent:
            node = network.new_node(org, pid)
            node.height = 2 if parent is None and kind == "distributor" else 1 if kind == "distributor" else 0
            node.version = 1
            if parent:
                node.distributors = [network.upstream(parent, assigned_at=created, assigned_by="u-generator")]
                upstream_of[pid] = parent
                yield emit(PARTNERS_TABLE, network.reseller_link(org, parent, pid, assigned_at=created,
                                                                 assigned_by="u-generator"))
            yield emit(PARTNERS_TABLE, node)
        if partner_org:
            yield emit(PARTNERS_TABLE, dal.partner_link_item(item, partner_org, created))
            # The partner organisation's users: spread over the partnerships, at least the admin.
            share = users_left if index == size.partnerships - 1 else min(
                users_left, max(1, partner_users // size.partnerships))
            for number in range(share):
                user_id = f"u-{partner_org}-{number}"
                email = f"user{number}@{pid[:10]}.example"
                role = "partner_admin" if number == 0 else rng.choice(PARTNER_ROLES)
                yield emit(PARTNERS_TABLE, organisations.new_user_item(
                    partner_org, user_id, email=email, name=f"{name} user {number}", roles={role}))
                yield emit(PARTNERS_TABLE, organisations.email_claim_item(partner_org, email, user_id))
            users_left -= share
        # The leads service's projection of the partnership (as the partners events would build it).
        view = views.new_view(org, pid)
        view.company_name, view.partnership_type, view.tier, view.country = name, kind, tier, country
        view.stage, view.stage_at, view.created_at = stage, created, created
        view.partner_organisation_id, view.website_domain = partner_org, f"{pid[:10]}.example"
        view.icp_json, view.icp_version, view.version = Icp.model_validate(icp_values).model_dump_json(), 1, 1
        plan = routing.plan(view)
        if plan is not None:
            view.routed_under, view.routed_digest = plan.segments, plan.digest
            for segment in plan.segments:
                yield emit(LEADS_TABLE, routing.candidate_item(view, segment, plan))
        yield emit(LEADS_TABLE, view)
        if kind != "distributor" and partner_org:
            leads_view.append((pid, kind, upstream_of.get(pid), partner_org, name))

    yield from (emit(table, item) for table, item in _leads(size, rng, org, start, leads_view, upstream_of))


def _leads(size: Size, rng: random.Random, org: str, start: datetime,
           senders: list[tuple[str, str, str | None, str, str]],
           upstream_of: dict[str, str]) -> Iterator[tuple[str, Any]]:
    """The vendor's copies of the leads partners sent (a distributor's lead names its reseller) and
    of the deals that came of some of them."""
    from leads.dal import deals as deals_dal
    from leads.dal import leads as leads_dal
    from leads.models import DealRecord, LeadRecord, Participant
    from trellis.events.leads import AttributionLink

    if not senders:
        return
    deal_every = max(1, size.leads // size.deals) if size.deals else 0
    parties = [Participant(organisation_id=org, role="vendor")]
    for index in range(size.leads):
        pid, _, distributor, partner_org, _ = rng.choice(senders)
        lead_id = f"{index:08d}{rng.getrandbits(96):024x}"
        created = start + timedelta(minutes=5 * index)
        country = rng.choices(COUNTRIES, WEIGHTS)[0]
        chain = [AttributionLink(role="vendor", organisation_id=org)]
        if distributor:
            chain.append(AttributionLink(role="distributor", organisation_id=f"org-p{distributor[:12]}",
                                         partnership_id=distributor))
        chain.append(AttributionLink(role="reseller", organisation_id=partner_org, partnership_id=pid))
        via_distributor = distributor is not None and rng.random() < 0.5
        status = rng.choice(LEAD_STATUSES)
        record = LeadRecord(
            id=lead_id, vendor_organisation_id=org, origin="distributor" if via_distributor else "partner",
            status=status,
            sender_organisation_id=(f"org-p{distributor[:12]}" if via_distributor and distributor
                                    else partner_org),
            receiver_organisation_id=partner_org if via_distributor else org, partnership_id=pid,
            distributor_partnership_id=distributor if via_distributor else None,
            company_name=f"{_name(rng)} (customer {index})", country=country,
            industry=rng.choice(INDUSTRIES), employee_count=rng.choice((12, 40, 120, 450, 2000, 15000)),
            keywords=rng.sample(KEYWORDS, rng.randint(0, 3)), currency=CURRENCIES.get(country, "EUR"),
            estimated_value=Decimal(rng.randrange(1_000, 250_000, 500)), attribution=chain,
            participants=parties, created_by_user_id="u-generator", created_at=created, updated_at=created,
        )
        tab = "network" if via_distributor else "received"
        sort = f"{created.isoformat()}#{lead_id}"
        dist = record.distributor_partnership_id
        yield LEADS_TABLE, leads_dal.LeadCopyItem(
            leads_dal.copy_pk(org, lead_id), leads_dal.LEAD_SK,
            gsi1pk=leads_dal.list_pk(org, tab), gsi1sk=sort,
            gsi2pk=leads_dal.status_pk(org, tab, record.status), gsi2sk=sort,
            gsi3pk=leads_dal.distributor_pk(org, dist) if dist else None, gsi3sk=sort if dist else None,
            organisation_id=org, lead_id=lead_id, tab=tab, role="vendor", status=record.status,
            distributor_partnership_id=dist, data=record.model_dump_json(), version=1,
        )
        if deal_every and index % deal_every == 0 and index // deal_every < size.deals:
            deal_status = rng.choice(DEAL_STATUSES)
            deal = DealRecord(
                id=lead_id, vendor_organisation_id=org, owner_organisation_id=partner_org,
                name=record.company_name, status=deal_status,
                amount=Decimal(rng.randrange(5_000, 500_000, 100)), currency=record.currency,
                source="partner", lead_id=lead_id, partnership_id=pid,
                distributor_partnership_ids=[upstream_of[pid]] if pid in upstream_of else [],
                attribution=chain, participants=parties, sender_organisation_id=org,
                won_at=created + timedelta(days=30) if deal_status == "closed_won" else None,
                created_by_user_id="u-generator", created_at=created, updated_at=created,
            )
            yield LEADS_TABLE, deals_dal.DealCopyItem(
                deals_dal.copy_pk(org, lead_id), deals_dal.DEAL_SK,
                gsi1pk=deals_dal.list_pk(org, "sent"), gsi1sk=sort,
                gsi2pk=deals_dal.status_pk(org, "sent", deal.status), gsi2sk=sort,
                organisation_id=org, deal_id=lead_id, tab="sent", status=deal.status,
                data=deal.model_dump_json(), version=1,
            )


@dataclass
class Written:
    items: int = 0
    calls: int = 0
    retries: int = 0


def write_batches(client: Any, requests: Iterable[tuple[str, dict[str, Any]]], *,
                  pause: Callable[[float], None] = time.sleep, max_attempts: int = 12) -> Written:
    """Put every (table, DynamoDB-JSON item) with BatchWriteItem, 25 a call, sending UnprocessedItems
    again (with a growing pause) until none is left."""
    written = Written()
    chunk: list[tuple[str, dict[str, Any]]] = []

    def flush() -> None:
        pending: dict[str, list[dict[str, Any]]] = {}
        for table, item in chunk:
            pending.setdefault(table, []).append({"PutRequest": {"Item": item}})
        for attempt in range(max_attempts):
            written.calls += 1
            answer = client.batch_write_item(RequestItems=pending)
            pending = answer.get("UnprocessedItems") or {}
            if not pending:
                break
            written.retries += 1
            pause(min(2.0, 0.05 * 2 ** attempt))
        else:
            raise RuntimeError(f"{sum(map(len, pending.values()))} items still unprocessed")
        written.items += len(chunk)
        chunk.clear()

    for request in requests:
        chunk.append(request)
        if len(chunk) == BATCH:
            flush()
    if chunk:
        flush()
    return written


def serialised(items: Iterable[tuple[str, Any]], tables: dict[str, str] | None = None,
               ) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table name, DynamoDB-JSON item); ``tables`` renames the template's logical ids."""
    for table, item in items:
        yield (tables or {}).get(table, table), item.serialize()


def generate(client: Any, size: str, *, seed: int = 7, organisation_id: str = "org-bench",
             tables: dict[str, str] | None = None) -> tuple[Program, Written]:
    program = Program(organisation_id)
    items = program_items(SIZES[size], seed=seed, organisation_id=organisation_id, program=program)
    return program, write_batches(client, serialised(items, tables))


def main(argv: list[str] | None = None) -> None:
    import boto3

    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--org", default="org-acme", help="the vendor organisation owning the program")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--endpoint", help="a DynamoDB endpoint, e.g. the local stack's moto")
    where.add_argument("--stack", help="a running local stack's URL (its moto is found from /local/health)")
    parser.add_argument("--region", default="eu-west-1")
    arguments = parser.parse_args(argv)
    if arguments.stack:
        import requests

        health = requests.get(f"{arguments.stack.rstrip('/')}/local/health", timeout=10).json()
        arguments.endpoint = health["aws_endpoint_url"]
    client = boto3.client("dynamodb", endpoint_url=arguments.endpoint, region_name=arguments.region,
                          aws_access_key_id="local", aws_secret_access_key="local")  # noqa: S106  # nosec B106 # moto takes any
    started = time.perf_counter()
    program, written = generate(client, arguments.size, seed=arguments.seed, organisation_id=arguments.org)
    seconds = time.perf_counter() - started
    print(f"{arguments.size}: {len(program.partnerships):,} partnerships ({len(program.distributors)} "
          f"distributors, {len(program.sub_distributors)} sub-distributors) for {arguments.org}; "
          f"{written.items:,} items in {written.calls:,} BatchWriteItem calls ({written.retries} retried) "
          f"in {seconds:.1f} s")


if __name__ == "__main__":
    main()
