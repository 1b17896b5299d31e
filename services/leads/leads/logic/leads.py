"""Lead use cases: submission (vendor, partner, distributor for a reseller), sending, acceptance,
decline, assignment, and deal registration with conflicts found at submit time.

Who sees a lead: its participants — the vendor, the sender, the receiver and the distributors of its
attribution chain — each through its own copy (dal.leads). Tabs per organisation: ``not_sent`` (a
vendor's lead not sent yet), ``sent``, ``received``, and ``network`` (a lead the organisation sees
through the attribution chain without sending or receiving it, e.g. the vendor for a distributor's
lead to a reseller).

Deal registration: a lead from a partner (or from a distributor for a reseller) that names a
customer domain registers it for that partner for the vendor's protection window. A domain already
held by another partner, or with an open deal of someone else, makes the lead a conflict at submit
time; the vendor resolves it (approve: the lead takes the domain over; reject).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pynamodb.transactions import TransactWrite

from leads.dal import accounts as accounts_dal
from leads.dal import deals as deals_dal
from leads.dal import leads as dal
from leads.dal import partnerships as projection
from leads.dal.tables import LeadCopyItem
from leads.logic import access, referral_codes, routing
from leads.logic.access import Side
from leads.models import (
    DealRecord,
    Lead,
    LeadAssignees,
    LeadCreate,
    LeadDecline,
    LeadRecord,
    LeadSend,
    LeadSettings,
    LeadTab,
    Participant,
    RegistrationDecision,
    RoutingCriteria,
    RoutingSuggestions,
)
from trellis.domains import normalise_domain
from trellis.errors import Conflict, Forbidden, NotFound, ValidationFailed
from trellis.events import Actor, EventData, EventEnvelope
from trellis.events.leads import (
    AttributionLink,
    DealCreated,
    LeadAccepted,
    LeadAssigned,
    LeadCreated,
    LeadDeclined,
    LeadSent,
    RegistrationConflict,
    RegistrationResolved,
)
from trellis.keys import new_id
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import VENDOR_ROLES, VENDOR_WRITERS, Principal

DEFAULT_REGISTRATION_DAYS = 90
_CUSTOMER_FIELDS = tuple(LeadCreate.model_fields.keys() - {
    "partnership_id", "reseller_partnership_id", "account_id", "auto_route"})


def _event(record: LeadRecord, data: EventData, principal: Principal, now: datetime) -> EventEnvelope:
    return EventEnvelope.new(data, tenant_id=record.vendor_organisation_id, actor=Actor.of(principal),
                             occurred_at=now)


def tab_of(record: LeadRecord, organisation_id: str) -> LeadTab:
    if organisation_id == record.sender_organisation_id:
        return "not_sent" if record.status == "not_sent" else "sent"
    if organisation_id == record.receiver_organisation_id:
        return "received"
    return "network"


def copies_of(record: LeadRecord) -> list[dal.Copy]:
    return [dal.Copy(organisation_id=p.organisation_id, tab=tab_of(record, p.organisation_id), role=p.role)
            for p in record.participants]


def view_of(item: LeadCopyItem, now: datetime | None = None) -> Lead:
    record = dal.record_of(item)
    status = record.registration_status
    if (status in ("registered", "approved") and record.registration_expires_at is not None
            and record.registration_expires_at <= (now or datetime.now(UTC))):
        status = "expired"
    return Lead(**record.model_dump(exclude={"registration_status"}), registration_status=status,
                tab=item.tab, role=item.role, assigned_user_ids=list(item.assigned_user_ids or []))  # type: ignore[arg-type]


def _participants(*entries: tuple[str | None, str]) -> list[Participant]:
    seen: dict[str, Participant] = {}
    for organisation_id, role in entries:
        if organisation_id and organisation_id not in seen:
            seen[organisation_id] = Participant(organisation_id=organisation_id, role=role)  # type: ignore[arg-type]
    return list(seen.values())


def registration_days(vendor_id: str) -> int:
    found = dal.settings(vendor_id)
    return int(found.registration_days) if found else DEFAULT_REGISTRATION_DAYS


# ---------------------------------------------------------------- create


def create_lead(principal: Principal, request: LeadCreate) -> Lead:
    org = access.writer(principal)
    if request.referral_code is not None:
        request = referral_codes.attributed(principal, request)
    if request.account_id is not None:
        request = _from_account(org, request)
    now = datetime.now(UTC)
    customer = request.model_dump(include=set(_CUSTOMER_FIELDS))
    domain = normalise_domain(request.website) if request.website else None
    base = {"id": new_id(), "customer_domain": domain, "account_id": request.account_id,
            "created_by_user_id": principal.user_id, "created_at": now, "updated_at": now, **customer}

    if request.partnership_id is None:
        if request.reseller_partnership_id is not None:
            raise ValidationFailed("a reseller is named through its distributor partnership",
                                   field="partnership_id")
        principal.require_any(VENDOR_WRITERS)
        record = LeadRecord(**base, vendor_organisation_id=org, origin="vendor", status="not_sent",
                            sender_organisation_id=org,
                            attribution=[AttributionLink(role="vendor", organisation_id=org)],
                            participants=_participants((org, "vendor")))
        if request.auto_route:
            routed = _auto_routed(principal, record)
            if routed is not None:
                snapshot = routed.snapshot()
                envelopes = [_event(routed, data, principal, now)
                             for data in (LeadCreated(lead=snapshot), LeadSent(lead=snapshot))]
                dal.write(routed, copies_of(routed), previous_version=None, envelopes=envelopes)
                return _reread(org, record.id)
        dal.write(record, copies_of(record), previous_version=None,
                  envelopes=[_event(record, LeadCreated(lead=record.snapshot()), principal, now)])
        return _reread(org, record.id)

    side = access.side_of(principal, request.partnership_id)
    access.active(side.view)
    if side.as_vendor:
        if request.reseller_partnership_id is not None:
            raise ValidationFailed("only a distributor names a reseller", field="reseller_partnership_id")
        principal.require_any(VENDOR_WRITERS)
        record = _to_partner(LeadRecord(
            **base, vendor_organisation_id=org, origin="vendor", status="not_sent",
            sender_organisation_id=org,
        ), side)
        envelopes = [_event(record, data, principal, now)
                     for data in (LeadCreated(lead=record.snapshot()), LeadSent(lead=record.snapshot()))]
        dal.write(record, copies_of(record), previous_version=None, envelopes=envelopes)
        return _reread(org, record.id)
    if request.reseller_partnership_id is not None:
        record = _from_distributor(base, side, request.reseller_partnership_id, org)
    else:
        record = LeadRecord(
            **base, vendor_organisation_id=side.vendor_id, origin="partner", status="sent",
            sender_organisation_id=org, receiver_organisation_id=side.vendor_id,
            partnership_id=side.view.partnership_id,
            attribution=[AttributionLink(role="vendor", organisation_id=side.vendor_id),
                         AttributionLink(role=access.partner_role(side.view), organisation_id=org,  # type: ignore[arg-type]
                                         partnership_id=side.view.partnership_id)],
            participants=_participants((side.vendor_id, "vendor"), (org, access.partner_role(side.view))),
        )
    _submit_with_registration(principal, record, now)
    return _reread(org, record.id)


def _from_account(organisation_id: str, request: LeadCreate) -> LeadCreate:
    """A lead sent from one of my CRM accounts: what the request leaves out comes from the account."""
    account = accounts_dal.get(organisation_id, request.account_id or "")
    if account is None:
        raise NotFound("no such account", field="account_id")
    taken = {
        "website": account.website, "country": account.country, "industry": account.industry,
        # an account may record 0 employees; a lead's customer has at least one, else the count is unknown
        "employee_count": int(account.employee_count or 0) or None,
    }
    missing = {field: value for field, value in taken.items()
               if value is not None and field not in request.model_fields_set}
    return request.model_copy(update=missing) if missing else request


def _to_partner(record: LeadRecord, side: Side) -> LeadRecord:
    """A vendor's lead addressed to one of its partners (status sent)."""
    receiver = access.joined(side.view)
    role = access.partner_role(side.view)
    vendor = record.vendor_organisation_id
    return record.model_copy(update={
        "status": "sent", "receiver_organisation_id": receiver, "partnership_id": side.view.partnership_id,
        "attribution": [AttributionLink(role="vendor", organisation_id=vendor),
                        AttributionLink(role=role, organisation_id=receiver,  # type: ignore[arg-type]
                                        partnership_id=side.view.partnership_id)],
        "participants": _participants((vendor, "vendor"), (receiver, role)),
    })


def _from_distributor(base: dict[str, object], side: Side, reseller_id: str, org: str) -> LeadRecord:
    field = "reseller_partnership_id"
    if side.view.partnership_type != "distributor":
        raise ValidationFailed("only a distributor partnership submits leads for a reseller", field=field)
    vendor = side.vendor_id
    link = projection.get_link(vendor, side.view.partnership_id, reseller_id)
    if link is None or link.removed_at is not None:
        raise NotFound("no such reseller assigned to this distributor", field=field)
    chain = list(link.chain) or [side.view.partnership_id]
    views = projection.views(vendor, [*chain, reseller_id])
    reseller = views.get(reseller_id)
    if reseller is None or reseller.deleted:
        raise NotFound("no such reseller assigned to this distributor", field=field)
    access.active(reseller, field=field)
    receiver = access.joined(reseller, field=field)
    distributors = [AttributionLink(role="distributor", organisation_id=views[pid].partner_organisation_id,
                                    partnership_id=pid)
                    for pid in reversed(chain) if pid in views]
    return LeadRecord(
        **base, vendor_organisation_id=vendor, origin="distributor", status="sent",
        sender_organisation_id=org, receiver_organisation_id=receiver, partnership_id=reseller_id,
        distributor_partnership_id=side.view.partnership_id,
        attribution=[AttributionLink(role="vendor", organisation_id=vendor), *distributors,
                     AttributionLink(role="reseller", organisation_id=receiver, partnership_id=reseller_id)],
        participants=_participants(
            (vendor, "vendor"), *((link_.organisation_id, "distributor") for link_ in distributors),
            (receiver, "reseller"),
        ),
    )


def _submit_with_registration(principal: Principal, record: LeadRecord, now: datetime) -> None:
    """A partner's or distributor's lead: registered for the partner, or flagged as a conflict."""
    envelopes: list[EventEnvelope] = []
    domain, registrant = record.customer_domain, record.partnership_id
    also = None
    if domain and registrant:
        vendor = record.vendor_organisation_id
        state = dal.domain_state(vendor, domain)
        holder = state.holder
        held = holder is not None and holder.protected_until > now
        lead_conflicts = ([holder.lead_id] if holder is not None and held
                          and holder.partnership_id != registrant else [])
        deal_conflicts = [deal.deal_id for deal in state.open_deals if deal.partnership_id != registrant]
        if lead_conflicts or deal_conflicts:
            record = record.model_copy(update={"registration_status": "conflict",
                                               "conflicting_lead_ids": lead_conflicts,
                                               "conflicting_deal_ids": deal_conflicts})
        else:
            until = now + timedelta(days=registration_days(vendor))
            record = record.model_copy(update={"registration_status": "registered",
                                               "registration_expires_at": until})
        final = record

        def also(batch: TransactWrite) -> None:
            if final.registration_status == "registered":
                dal.hold(batch, vendor, domain, lead_id=final.id, partnership_id=registrant,
                         protected_until=final.registration_expires_at or now, now=now, expected=holder)
            dal.claim(batch, vendor, domain, lead_id=final.id, partnership_id=registrant,
                      status=final.registration_status, created_at=now)

    envelopes += [_event(record, LeadCreated(lead=record.snapshot()), principal, now),
                  _event(record, LeadSent(lead=record.snapshot()), principal, now)]
    if record.registration_status == "conflict" and record.customer_domain:
        envelopes.append(_event(record, RegistrationConflict(
            lead=record.snapshot(), customer_domain=record.customer_domain,
            conflicting_lead_ids=record.conflicting_lead_ids,
            conflicting_deal_ids=record.conflicting_deal_ids,
        ), principal, now))
    dal.write(record, copies_of(record), previous_version=None, envelopes=envelopes, also=also)


def criteria_of(record: LeadRecord) -> RoutingCriteria:
    return RoutingCriteria(country=record.country, industry=record.industry,
                           employee_count=record.employee_count, keywords=record.keywords,
                           sub_categories=record.sub_categories)


def _auto_routed(principal: Principal, record: LeadRecord) -> LeadRecord | None:
    """The lead addressed to the best-fitting partner, or None when no partnership is a candidate."""
    best = routing.rank(record.vendor_organisation_id, criteria_of(record), limit=1)
    if not best:
        return None
    side = access.side_of(principal, best[0].partnership_id)
    return _to_partner(record, side).model_copy(update={
        "routed_score": best[0].score,
        "routed_explanation": [f"{reason.criterion}: {reason.points} ({reason.detail})"
                               for reason in best[0].explanation],
    })


def suggest_partners(principal: Principal, lead_id: str, limit: int) -> RoutingSuggestions:
    """Partnerships for the vendor's lead, best fit first; never one that declined it (or holds it now)."""
    org = access.reader(principal)
    item = dal.get_copy(org, lead_id)
    if item is None:
        raise NotFound("no such lead")
    record = dal.record_of(item)
    if record.vendor_organisation_id != org:
        raise Forbidden("only the vendor routes its leads")
    principal.require_any(VENDOR_ROLES)
    exclude = set(record.declined_partnership_ids)
    if record.status in ("sent", "accepted") and record.partnership_id:
        exclude.add(record.partnership_id)
    items, candidates = routing.ranked(org, criteria_of(record), exclude=exclude, limit=limit)
    return RoutingSuggestions(items=items, candidates=candidates)


def _reread(organisation_id: str, lead_id: str) -> Lead:
    item = dal.get_copy(organisation_id, lead_id)
    if item is None:  # pragma: no cover - just written in a transaction
        raise NotFound("no such lead")
    return view_of(item)


# ---------------------------------------------------------------- read


def get_lead(principal: Principal, lead_id: str) -> Lead:
    org = access.reader(principal)
    item = dal.get_copy(org, lead_id)
    if item is None:
        raise NotFound("no such lead")
    return view_of(item)


def _mine(principal: Principal, lead_id: str) -> tuple[LeadCopyItem, LeadRecord]:
    org = access.writer(principal)
    item = dal.get_copy(org, lead_id)
    if item is None:
        raise NotFound("no such lead")
    return item, dal.record_of(item)


LISTING = "leads"


def list_leads(
    principal: Principal, *, tab: LeadTab, status: str | None, distributor_id: str | None,
    assigned_to_me: bool, limit: int, cursor: str | None,
) -> Page[Lead]:
    org = access.reader(principal)
    listing = f"{LISTING}:{tab}:{status}:{distributor_id}:{assigned_to_me}"
    start = decode_cursor(cursor, tenant_id=org, listing=listing)
    items, last_key = dal.list_page(
        org, tab, limit=limit, start=start, status=status, distributor_partnership_id=distributor_id,
        assigned_user_id=principal.user_id if assigned_to_me else None,
    )
    now = datetime.now(UTC)
    return Page[Lead](items=[view_of(item, now) for item in items],
                      next_cursor=encode_cursor(last_key, tenant_id=org, listing=listing))


# ---------------------------------------------------------------- send, accept, decline


def send_lead(principal: Principal, lead_id: str, request: LeadSend) -> Lead:
    """A vendor's lead, not sent yet or declined, goes to one of its partners."""
    _item, record = _mine(principal, lead_id)
    org = principal.organisation_id
    if record.origin != "vendor" or record.sender_organisation_id != org:
        raise Forbidden("only the vendor that created this lead sends it")
    principal.require_any(VENDOR_WRITERS)
    if record.status not in ("not_sent", "declined"):
        raise Conflict(f"the lead is {record.status}; only a lead not sent or declined can be sent")
    if request.partnership_id in record.declined_partnership_ids:
        raise Conflict("this partner declined the lead already", field="partnership_id")
    side = access.side_of(principal, request.partnership_id)
    if not side.as_vendor:
        raise NotFound("no such partnership", field="partnership_id")
    access.active(side.view)
    now = datetime.now(UTC)
    previous_receiver = record.receiver_organisation_id
    routed = _to_partner(record, side).model_copy(update={
        "version": record.version + 1, "updated_at": now, "decline_reason": None,
        "declined_by_organisation_id": None,
    })
    new_receiver = routed.receiver_organisation_id
    removed = [previous_receiver] if previous_receiver and previous_receiver != new_receiver else []
    dal.write(routed, copies_of(routed), previous_version=record.version,
              new=[new_receiver] if new_receiver and new_receiver != previous_receiver else [],
              removed=removed, envelopes=[_event(routed, LeadSent(lead=routed.snapshot()), principal, now)])
    return _reread(org, lead_id)


def _receiver(principal: Principal, record: LeadRecord) -> None:
    if principal.organisation_id != record.receiver_organisation_id:
        raise Forbidden("only the organisation that received the lead accepts or declines it")
    if record.status != "sent":
        raise Conflict(f"the lead is {record.status}, not waiting for an answer")


def accept_lead(principal: Principal, lead_id: str) -> Lead:
    """The receiver accepts: a deal owned by the receiver, with the lead's attribution, in one transaction."""
    _item, record = _mine(principal, lead_id)
    _receiver(principal, record)
    now = datetime.now(UTC)
    deal_id = new_id()
    accepted = record.model_copy(update={"status": "accepted", "deal_id": deal_id,
                                         "version": record.version + 1, "updated_at": now})
    deal = DealRecord(
        id=deal_id, vendor_organisation_id=record.vendor_organisation_id,
        owner_organisation_id=principal.organisation_id, name=record.company_name, status="open",
        amount=record.estimated_value, currency=record.currency, source="partner", lead_id=record.id,
        partnership_id=record.partnership_id,
        distributor_partnership_ids=[link.partnership_id for link in record.attribution
                                     if link.role == "distributor" and link.partnership_id],
        customer_domain=record.customer_domain, account_id=None, attribution=record.attribution,
        participants=record.participants, sender_organisation_id=record.sender_organisation_id,
        created_by_user_id=principal.user_id, created_at=now, updated_at=now,
    )
    from leads.logic.deals import deal_copies

    def also(batch: TransactWrite) -> None:
        deals_dal.add_copies(batch, deal, deal_copies(deal), previous_version=None)
        if deal.customer_domain:
            dal.open_deal(batch, deal.vendor_organisation_id, deal.customer_domain, deal_id=deal_id,
                          owner_id=deal.owner_organisation_id, partnership_id=deal.partnership_id)

    envelopes = [
        _event(accepted, LeadAccepted(lead=accepted.snapshot(), deal_id=deal_id), principal, now),
        _event(accepted, DealCreated(deal=deal.snapshot()), principal, now),
    ]
    dal.write(accepted, copies_of(accepted), previous_version=record.version, envelopes=envelopes, also=also)
    return _reread(principal.organisation_id, lead_id)


def decline_lead(principal: Principal, lead_id: str, request: LeadDecline) -> Lead:
    """The receiver declines with a reason; the sender sees it. A declined partner is never routed it again;
    a declined partner's lead gives its domain registration up."""
    _item, record = _mine(principal, lead_id)
    _receiver(principal, record)
    now = datetime.now(UTC)
    declined_ids = list(record.declined_partnership_ids)
    if record.origin == "vendor" and record.partnership_id:
        declined_ids.append(record.partnership_id)
    releases = record.registration_status in ("registered", "approved")
    declined = record.model_copy(update={
        "status": "declined", "decline_reason": request.reason,
        "declined_by_organisation_id": principal.organisation_id, "declined_partnership_ids": declined_ids,
        "registration_status": "rejected" if releases else record.registration_status,
        "version": record.version + 1, "updated_at": now,
    })

    domain = record.customer_domain
    holder = dal.domain_state(record.vendor_organisation_id, domain).holder if releases and domain else None
    holds = holder is not None and holder.lead_id == record.id

    def also(batch: TransactWrite) -> None:
        if not (releases and domain and record.partnership_id):
            return
        if holds:
            dal.release(batch, record.vendor_organisation_id, domain, lead_id=record.id)
        dal.claim(batch, record.vendor_organisation_id, domain, lead_id=record.id,
                  partnership_id=record.partnership_id, status="rejected", created_at=record.created_at)

    dal.write(declined, copies_of(declined), previous_version=record.version, also=also, envelopes=[
        _event(declined, LeadDeclined(
            lead=declined.snapshot(), declined_by_organisation_id=principal.organisation_id,
            reason=request.reason,
        ), principal, now)])
    return _reread(principal.organisation_id, lead_id)


def assign_lead(principal: Principal, lead_id: str, request: LeadAssignees) -> Lead:
    """The caller's organisation's own users working the lead (each organisation assigns its own)."""
    item, record = _mine(principal, lead_id)
    user_ids = list(dict.fromkeys(request.user_ids))
    before = set(item.assigned_user_ids or [])
    now = datetime.now(UTC)
    envelope = _event(record, LeadAssigned(
        lead_id=lead_id, organisation_id=principal.organisation_id, company_name=record.company_name,
        assigned_user_ids=user_ids, added_user_ids=[user for user in user_ids if user not in before],
    ), principal, now)
    dal.assign(item, user_ids, envelope)
    return _reread(principal.organisation_id, lead_id)


# ---------------------------------------------------------------- registration


def resolve_registration(principal: Principal, lead_id: str, request: RegistrationDecision) -> Lead:
    """The vendor decides a registration: approve (the lead's partner holds the domain for a fresh window;
    a previous holder's lead is rejected) or reject."""
    _item, record = _mine(principal, lead_id)
    if principal.organisation_id != record.vendor_organisation_id:
        raise Forbidden("only the vendor resolves registrations")
    principal.require_any(VENDOR_WRITERS)
    domain, registrant = record.customer_domain, record.partnership_id
    if not domain or not registrant or record.origin == "vendor":
        raise Conflict("this lead registers no customer domain")
    if record.registration_status not in ("conflict", "registered"):
        raise Conflict(f"the registration is {record.registration_status} already")
    if record.status == "declined":
        raise Conflict("the lead was declined")
    now = datetime.now(UTC)
    vendor = record.vendor_organisation_id
    approved = request.decision == "approved"
    until = now + timedelta(days=registration_days(vendor)) if approved else None
    resolved = record.model_copy(update={
        "registration_status": request.decision, "registration_expires_at": until,
        "conflicting_lead_ids": [] if approved else record.conflicting_lead_ids,
        "conflicting_deal_ids": [] if approved else record.conflicting_deal_ids,
        "version": record.version + 1, "updated_at": now,
    })
    state = dal.domain_state(vendor, domain)
    holder = state.holder
    displaced: tuple[LeadCopyItem, LeadRecord] | None = None
    if approved and holder is not None and holder.lead_id != lead_id:
        other = dal.get_copy(vendor, holder.lead_id)
        if other is not None:
            displaced = (other, dal.record_of(other))
    envelopes = [_event(resolved, RegistrationResolved(
        lead=resolved.snapshot(), customer_domain=domain, decision=request.decision, expires_at=until,
    ), principal, now)]
    rejected: LeadRecord | None = None
    if displaced is not None:
        rejected = displaced[1].model_copy(update={
            "registration_status": "rejected", "version": displaced[1].version + 1, "updated_at": now})
        envelopes.append(_event(rejected, RegistrationResolved(
            lead=rejected.snapshot(), customer_domain=domain, decision="rejected"), principal, now))

    def also(batch: TransactWrite) -> None:
        if approved and until is not None:
            dal.hold(batch, vendor, domain, lead_id=lead_id, partnership_id=registrant, protected_until=until,
                     now=now, expected=holder)
        elif holder is not None and holder.lead_id == lead_id:
            dal.release(batch, vendor, domain, lead_id=lead_id)
        dal.claim(batch, vendor, domain, lead_id=lead_id, partnership_id=registrant, status=request.decision,
                  created_at=record.created_at)
        if rejected is not None and displaced is not None:
            dal.add_copies(batch, rejected, copies_of(rejected), previous_version=displaced[1].version)
            if rejected.partnership_id:
                dal.claim(batch, vendor, domain, lead_id=rejected.id, partnership_id=rejected.partnership_id,
                          status="rejected", created_at=rejected.created_at)

    dal.write(resolved, copies_of(resolved), previous_version=record.version, envelopes=envelopes, also=also)
    return _reread(principal.organisation_id, lead_id)


# ---------------------------------------------------------------- settings


def get_settings(principal: Principal) -> LeadSettings:
    org = access.reader(principal)
    return LeadSettings(registration_days=registration_days(org))


def put_settings(principal: Principal, request: LeadSettings) -> LeadSettings:
    principal.require_any(VENDOR_WRITERS)
    dal.save_settings(principal.organisation_id, request.registration_days, datetime.now(UTC))
    return request
