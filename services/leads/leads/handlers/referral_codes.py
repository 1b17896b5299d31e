"""HTTP routes for referral codes (signed in) and the public referral form (no login: the code is the key)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, cast

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from leads.logic import public_referrals, referral_codes
from leads.models import PublicReferral, PublicReferralForm, PublicReferralReceipt, ReferralCode
from trellis.api import created, current_principal
from trellis.fields import EntityId

router = Router()
PartnershipId = Annotated[EntityId, Path()]
TAGS = ["referral codes"]


@router.get("/referral-codes/<partnership_id>",
            summary="A partnership's referral code and link (vendor and partner)", tags=TAGS)
def get_code(partnership_id: PartnershipId) -> ReferralCode:
    return referral_codes.get_code(current_principal(router), partnership_id)


@router.post("/referral-codes/<partnership_id>",
             summary="Issue the partnership a new referral code (vendor); a previous code stops working",
             tags=TAGS)
def issue_code(partnership_id: PartnershipId) -> Response[ReferralCode]:
    return created(referral_codes.issue_code(current_principal(router), partnership_id))


@router.delete("/referral-codes/<partnership_id>", summary="Revoke the partnership's referral code (vendor)",
               tags=TAGS)
def revoke_code(partnership_id: PartnershipId) -> Response[None]:
    referral_codes.revoke_code(current_principal(router), partnership_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)


@router.get("/public/referrals/form",
            summary="Open the public referral form of a code (public): who refers, and the form's token",
            tags=TAGS)
def open_form(code: Annotated[str, Query(min_length=1, max_length=32)]) -> PublicReferralForm:
    return public_referrals.open_form(code)


@router.post("/public/referrals",
             summary="Send a referral with a partner's code (public; rate-limited, spam-guarded)", tags=TAGS)
def submit_referral(request: PublicReferral) -> Response[PublicReferralReceipt]:
    event = cast(APIGatewayProxyEventV2, router.current_event)
    return created(public_referrals.submit(request, event.request_context.http.source_ip))
