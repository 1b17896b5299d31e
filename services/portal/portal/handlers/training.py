"""HTTP routes of the training room: the vendor's modules and certifications, a partnership's training."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from portal.logic import training as logic
from portal.models import EntityId
from portal.training_models import (
    Certification,
    CertificationInput,
    CertificationPage,
    Module,
    ModuleInput,
    ModuleSummaryPage,
    PartnershipProgress,
    QuizResult,
    QuizSubmission,
    VendorCertification,
    VendorCertificationPage,
    VendorModule,
    VendorModulePage,
)
from trellis.api import created, current_principal

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
ModuleId = Annotated[EntityId, Path(description="A training module's id")]
LessonId = Annotated[EntityId, Path(description="A lesson's id")]
CertificationId = Annotated[EntityId, Path(description="A certification's id")]
TAGS = ["portal-training"]
VENDOR = "/portal/vendor/training"
ROOM = "/portal/partnerships/<partnership_id>/training"


@router.post(f"{VENDOR}/modules", summary="Create a training module (unpublished)", tags=TAGS)
def create_module(body: ModuleInput) -> Response[VendorModule]:
    return created(logic.create_module(current_principal(router), body))


@router.get(f"{VENDOR}/modules", summary="The vendor's training modules, with their quizzes' answers",
            tags=TAGS)
def list_modules() -> VendorModulePage:
    return logic.list_modules(current_principal(router))


@router.get(f"{VENDOR}/modules/<module_id>", summary="A training module as its vendor manages it", tags=TAGS)
def get_module(module_id: ModuleId) -> VendorModule:
    return logic.get_module(current_principal(router), module_id)


@router.put(f"{VENDOR}/modules/<module_id>",
            summary="Replace a module's content (lessons and questions keep progress by id)", tags=TAGS)
def update_module(module_id: ModuleId, body: ModuleInput) -> VendorModule:
    return logic.update_module(current_principal(router), module_id, body)


@router.post(f"{VENDOR}/modules/<module_id>/publish", summary="Publish a module to its audience", tags=TAGS)
def publish_module(module_id: ModuleId) -> VendorModule:
    return logic.publish_module(current_principal(router), module_id, published=True)


@router.post(f"{VENDOR}/modules/<module_id>/unpublish", summary="Withdraw a module from partners", tags=TAGS)
def unpublish_module(module_id: ModuleId) -> VendorModule:
    return logic.publish_module(current_principal(router), module_id, published=False)


@router.post(f"{VENDOR}/certifications", summary="Create a certification (modules it requires, validity)",
             tags=TAGS)
def create_certification(body: CertificationInput) -> Response[VendorCertification]:
    return created(logic.create_certification(current_principal(router), body))


@router.get(f"{VENDOR}/certifications", summary="The vendor's certifications", tags=TAGS)
def list_certifications() -> VendorCertificationPage:
    return logic.list_certifications(current_principal(router))


@router.get(f"{VENDOR}/certifications/<certification_id>", summary="A certification", tags=TAGS)
def get_certification(certification_id: CertificationId) -> VendorCertification:
    return logic.get_certification(current_principal(router), certification_id)


@router.put(f"{VENDOR}/certifications/<certification_id>",
            summary="Replace a certification (earned ones keep their expiry)", tags=TAGS)
def update_certification(certification_id: CertificationId, body: CertificationInput) -> VendorCertification:
    return logic.update_certification(current_principal(router), certification_id, body)


@router.get(f"{ROOM}/modules", summary="The training modules the caller may take, with their progress",
            tags=TAGS)
def room_modules(partnership_id: PartnershipId) -> ModuleSummaryPage:
    return logic.list_room_modules(current_principal(router), partnership_id)


@router.get(f"{ROOM}/modules/<module_id>",
            summary="A module to take: lessons, quiz (without answers), progress", tags=TAGS)
def room_module(partnership_id: PartnershipId, module_id: ModuleId) -> Module:
    return logic.get_room_module(current_principal(router), partnership_id, module_id)


@router.post(f"{ROOM}/modules/<module_id>/lessons/<lesson_id>/done",
             summary="Mark a lesson done (partner users; may complete the module)", tags=TAGS)
def lesson_done(partnership_id: PartnershipId, module_id: ModuleId, lesson_id: LessonId) -> Module:
    return logic.mark_lesson_done(current_principal(router), partnership_id, module_id, lesson_id)


@router.post(f"{ROOM}/modules/<module_id>/quiz/attempts",
             summary="Submit quiz answers (graded; a pass may complete the module)", tags=TAGS)
def quiz_attempt(partnership_id: PartnershipId, module_id: ModuleId, body: QuizSubmission) -> QuizResult:
    return logic.submit_quiz(current_principal(router), partnership_id, module_id, body)


@router.get(f"{ROOM}/certifications", summary="The caller's certifications: earned, expired or to earn",
            tags=TAGS)
def my_certifications(partnership_id: PartnershipId) -> CertificationPage:
    return logic.my_certifications(current_principal(router), partnership_id)


@router.post(f"{ROOM}/certifications/<certification_id>/renew",
             summary="Earn again an expired certification whose modules are complete", tags=TAGS)
def renew_certification(partnership_id: PartnershipId, certification_id: CertificationId) -> Certification:
    return logic.renew_certification(current_principal(router), partnership_id, certification_id)


@router.get(f"{ROOM}/progress",
            summary="Every partner user's training in the partnership (vendor, partner admins)", tags=TAGS)
def progress(partnership_id: PartnershipId) -> PartnershipProgress:
    return logic.partnership_progress(current_principal(router), partnership_id)
