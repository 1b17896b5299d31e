"""The public referral form: anyone with a partner's referral code sends a referral, without a login. It
becomes a lead from that partner to its vendor, registered like any partner lead (the code is the
partner's word that the referral is theirs).

Spam guard, all checked before anything is written:
- a form token (``GET /public/referrals/form``): HMAC-signed code, issue time and nonce; accepted from
  ``MIN_FILL`` after it was issued (nobody fills the form faster) until ``TOKEN_LIFETIME``, and only once
  (its nonce is spent in the same transaction that counts the submission);
- a honeypot field (``fax``) the form hides from people: anything in it is a bot's doing;
- at most ``MAX_MESSAGE_LINKS`` links in the message (models.PublicReferral).

Rate limits, per vendor program and fixed one-hour window (counter items with TTL): ``CODE_LIMIT``
submissions per code and ``ADDRESS_LIMIT`` per source address (an IPv6 address counts per /64, as one
host usually holds a whole /64). Over either limit: 429, nothing counted or written.

An unknown or revoked code, or one whose partnership is archived or gone, is 404 — to the public the
code simply does not exist.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
from datetime import UTC, datetime, timedelta

from leads import referral_code_format
from leads.dal import partnerships as projection
from leads.dal import referral_codes as dal
from leads.dal.tables import PartnershipViewItem, ReferralCodeLookupItem
from leads.logic import leads as leads_logic
from leads.logic.service_keys import form_token_key
from leads.models import LeadContact, LeadCreate, PublicReferral, PublicReferralForm, PublicReferralReceipt
from trellis.errors import BadRequest, NotFound, TooManyRequests, ValidationFailed
from trellis.principal import Principal, Role

MIN_FILL = timedelta(seconds=3)
TOKEN_LIFETIME = timedelta(hours=2)
WINDOW = timedelta(hours=1)
CODE_LIMIT = 20
ADDRESS_LIMIT = 5
FORM_USER = "public-referral-form"
_TOKEN = "form_token"  # noqa: S105 - a field name  # nosec B105


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: bytes) -> bytes:
    return hmac.new(form_token_key(), payload, hashlib.sha256).digest()


def issue_form_token(code: str, now: datetime) -> str:
    payload = json.dumps({"c": code, "t": int(now.timestamp() * 1000), "n": os.urandom(16).hex()},
                         separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_sign(payload))}"


def _read_form_token(token: str, code: str, now: datetime) -> tuple[str, datetime]:
    """The token's nonce and issue time, if it was issued for this code and may be sent now."""
    invalid = BadRequest("the form token is invalid; reload the form", field=_TOKEN)
    payload_text, dot, signature_text = token.partition(".")
    if not dot:
        raise invalid
    try:
        payload, signature = _unb64(payload_text), _unb64(signature_text)
        content = json.loads(payload)
    except ValueError as error:
        raise invalid from error
    if not hmac.compare_digest(signature, _sign(payload)):
        raise invalid
    if not isinstance(content, dict) or content.get("c") != code or not isinstance(content.get("t"), int):
        raise invalid
    issued = datetime.fromtimestamp(content["t"] / 1000, tz=UTC)
    if now < issued + MIN_FILL:
        raise BadRequest("the form was sent too quickly after it was opened; wait a moment and send it again",
                         field=_TOKEN)
    if now > issued + TOKEN_LIFETIME:
        raise BadRequest("the form has expired; reload it", field=_TOKEN)
    return str(content.get("n")), issued


def _code(text: str) -> str:
    try:
        return referral_code_format.normalise(text)
    except ValueError as error:
        raise ValidationFailed(str(error), field="code") from error


def _live(code: str) -> tuple[ReferralCodeLookupItem, PartnershipViewItem, str]:
    """The code's lookup row, partnership and partner organisation, if the code works today."""
    found = dal.lookup(code)
    missing = NotFound("no such referral code", field="code")
    if found is None or found.status != "active":
        raise missing
    view = projection.get_view(found.vendor_organisation_id, found.partnership_id)
    if view is None or view.deleted or view.archived or not view.partner_organisation_id:
        raise missing
    return found, view, view.partner_organisation_id


def open_form(code_text: str) -> PublicReferralForm:
    code = _code(code_text)
    _found, view, _partner = _live(code)
    now = datetime.now(UTC)
    return PublicReferralForm(code=code, partner_name=view.company_name,
                              form_token=issue_form_token(code, now), submit_after=now + MIN_FILL,
                              expires_at=now + TOKEN_LIFETIME)


def source_address(source_ip: str | None) -> str:
    """The address a limit counts against: IPv4 as is, IPv6 per /64."""
    try:
        address = ipaddress.ip_address((source_ip or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def submit(request: PublicReferral, source_ip: str | None) -> PublicReferralReceipt:
    now = datetime.now(UTC)
    if request.fax:
        raise BadRequest("the submission looks automated; reload the form and try again")
    nonce, issued = _read_form_token(request.form_token, request.code, now)
    found, _view, partner = _live(request.code)
    window_start = now.replace(minute=0, second=0, microsecond=0)
    window_ends = window_start + WINDOW
    try:
        dal.count_submission(
            found.vendor_organisation_id, window=window_start.strftime("%Y%m%d%H"), code=request.code,
            address=source_address(source_ip), code_limit=CODE_LIMIT, address_limit=ADDRESS_LIMIT,
            window_ends=window_ends, token_nonce=nonce, token_expires=issued + TOKEN_LIFETIME, now=now,
        )
    except dal.LimitReached as error:
        whose = "this referral code" if error.which == "code" else "your network address"
        raise TooManyRequests(f"too many referrals from {whose} this hour; try again after "
                              f"{window_ends:%H:%M} UTC") from error
    except dal.TokenUsed as error:
        raise BadRequest("this form was sent already; reload it to send another referral",
                         field=_TOKEN) from error
    # The partner's side submits it, as Trellis on the partner's behalf (its events name a system actor).
    principal = Principal(user_id=FORM_USER, organisation_id=partner, roles=frozenset({Role.SALES}),
                          system=True)
    lead = leads_logic.create_lead(principal, LeadCreate(
        company_name=request.company_name, website=request.website, notes=request.message,
        contact=LeadContact(first_name=request.contact_first_name, last_name=request.contact_last_name,
                            email=request.contact_email),
        referral_code=request.code,
    ))
    return PublicReferralReceipt(reference=lead.id)
