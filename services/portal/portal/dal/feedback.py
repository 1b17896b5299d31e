"""Feedback: the vendor's survey per journey stage, partners' answers with their running results, and
free feedback.

| entity         | pk                                   | sk                     |
|----------------|--------------------------------------|------------------------|
| Survey         | ORG#<v>#SURVEY#<stage>#              | SURVEY#                |
| SurveyResults  | ORG#<v>#SURVEY#<stage>#              | RESULTS#               |
| SurveyResponse | ORG#<v>#SURVEY#<stage>#              | RESPONSE#<pid>#<user># |
| Feedback       | ORG#<v>#FEEDBACK#                    | <time-ordered id>#     |

(<v>: the vendor organisation.) A response is written once per user, partnership and stage (409 on
a second), in one transaction with the stage's results (checked against their revision) and the event.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import TransactWriteError

from portal.dal.tables import Outbox, PortalItem
from trellis.dynamo import transaction
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

SURVEY_SK = "SURVEY#"
RESULTS_SK = "RESULTS#"
RESPONSE = "RESPONSE#"


class SurveyItem(PortalItem, discriminator="PortalSurvey"):  # type: ignore[valid-type,misc,call-arg]
    """A stage's survey: the NPS question, the comment prompt and extra free-text questions (JSON)."""

    vendor_organisation_id = UnicodeAttribute()
    stage_id = UnicodeAttribute()
    title = UnicodeAttribute()
    nps_question = UnicodeAttribute()
    comment_question = UnicodeAttribute()
    questions = UnicodeAttribute(default="[]")
    updated_at = UTCDateTimeAttribute()
    revision = VersionAttribute()


class SurveyResultsItem(PortalItem, discriminator="PortalSurveyResults"):  # type: ignore[valid-type,misc,call-arg]
    """A stage's running results: counts by NPS group, the sum of scores and the newest comments."""

    vendor_organisation_id = UnicodeAttribute()
    stage_id = UnicodeAttribute()
    responses = NumberAttribute(default=0)
    promoters = NumberAttribute(default=0)
    passives = NumberAttribute(default=0)
    detractors = NumberAttribute(default=0)
    score_sum = NumberAttribute(default=0)
    recent_comments = UnicodeAttribute(default="[]")  # JSON, newest first
    revision = VersionAttribute()


class SurveyResponseItem(PortalItem, discriminator="PortalSurveyResponse"):  # type: ignore[valid-type,misc,call-arg]
    vendor_organisation_id = UnicodeAttribute()
    stage_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    nps = NumberAttribute()
    comment = UnicodeAttribute(null=True)
    answers = UnicodeAttribute(default="{}")
    submitted_at = UTCDateTimeAttribute()


class FeedbackItem(PortalItem, discriminator="PortalFeedback"):  # type: ignore[valid-type,misc,call-arg]
    vendor_organisation_id = UnicodeAttribute()
    feedback_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    company_name = UnicodeAttribute(null=True)
    user_id = UnicodeAttribute()
    category = UnicodeAttribute()
    text = UnicodeAttribute()
    stage = UnicodeAttribute(null=True)
    tier = UnicodeAttribute(null=True)
    submitted_at = UTCDateTimeAttribute()


def survey_pk(vendor_id: str, stage_id: str) -> str:
    return org_key(vendor_id, "SURVEY", stage_id)


def feedback_pk(vendor_id: str) -> str:
    return org_key(vendor_id, "FEEDBACK")


def response_sk(partnership_id: str, user_id: str) -> str:
    return f"{RESPONSE}{partnership_id}#{user_id}#"


def get_survey(vendor_id: str, stage_id: str) -> SurveyItem | None:
    try:
        return SurveyItem.get(survey_pk(vendor_id, stage_id), SURVEY_SK, consistent_read=True)
    except SurveyItem.DoesNotExist:
        return None


def new_survey(vendor_id: str, stage_id: str, **values: Any) -> SurveyItem:
    return SurveyItem(survey_pk(vendor_id, stage_id), SURVEY_SK, vendor_organisation_id=vendor_id,
                      stage_id=stage_id, **values)


def save_survey(item: SurveyItem) -> None:
    item.save()


def survey_and_answer(
    vendor_id: str, stage_id: str, partnership_id: str, user_id: str,
) -> tuple[SurveyItem | None, SurveyResultsItem | None, SurveyResponseItem | None]:
    """The survey, its results and the user's answer, in one BatchGetItem."""
    pk = survey_pk(vendor_id, stage_id)
    survey, results, response = None, None, None
    keys = [(pk, SURVEY_SK), (pk, RESULTS_SK), (pk, response_sk(partnership_id, user_id))]
    for item in PortalItem.batch_get(keys):
        if isinstance(item, SurveyItem):
            survey = item
        elif isinstance(item, SurveyResultsItem):
            results = item
        elif isinstance(item, SurveyResponseItem):
            response = item
    return survey, results, response


def get_results(vendor_id: str, stage_id: str) -> SurveyResultsItem | None:
    try:
        return SurveyResultsItem.get(survey_pk(vendor_id, stage_id), RESULTS_SK, consistent_read=True)
    except SurveyResultsItem.DoesNotExist:
        return None


def new_results(vendor_id: str, stage_id: str) -> SurveyResultsItem:
    return SurveyResultsItem(survey_pk(vendor_id, stage_id), RESULTS_SK, vendor_organisation_id=vendor_id,
                             stage_id=stage_id)


def new_response(
    vendor_id: str, stage_id: str, partnership_id: str, user_id: str, **values: Any,
) -> SurveyResponseItem:
    return SurveyResponseItem(
        survey_pk(vendor_id, stage_id), response_sk(partnership_id, user_id),
        vendor_organisation_id=vendor_id,
        stage_id=stage_id, partnership_id=partnership_id, user_id=user_id, **values,
    )


class AlreadyAnswered(Exception):
    pass


class ResultsChanged(Exception):
    pass


def save_response(response: SurveyResponseItem, results: SurveyResultsItem, envelope: EventEnvelope) -> None:
    """The response (only the first), the results (checked against their revision) and the event."""
    try:
        with transaction(SurveyResponseItem) as write:
            write.save(response, condition=SurveyResponseItem.pk.does_not_exist())
            write.save(results)
            write.save(outbox_item(Outbox, envelope))
    except TransactWriteError as error:
        reasons = [reason.code if reason else None for reason in error.cancellation_reasons or []]
        if reasons and reasons[0] == "ConditionalCheckFailed":
            raise AlreadyAnswered from error
        if {"ConditionalCheckFailed", "TransactionConflict"} & set(reasons):
            raise ResultsChanged from error
        raise


def save_feedback(item: FeedbackItem, envelope: EventEnvelope) -> None:
    with transaction(FeedbackItem) as write:
        write.save(item, condition=FeedbackItem.pk.does_not_exist())
        write.save(outbox_item(Outbox, envelope))


def new_feedback(vendor_id: str, feedback_id: str, **values: Any) -> FeedbackItem:
    return FeedbackItem(feedback_pk(vendor_id), f"{feedback_id}#", vendor_organisation_id=vendor_id,
                        feedback_id=feedback_id, **values)


def feedback_page(
    vendor_id: str, limit: int, start: dict[str, Any] | None,
) -> tuple[list[FeedbackItem], dict[str, Any] | None]:
    """Newest first, one Query of ``limit`` items."""
    result = FeedbackItem.query(feedback_pk(vendor_id), scan_index_forward=False, limit=limit,
                                last_evaluated_key=start)
    items = [item for item in result if isinstance(item, FeedbackItem)]
    return items, result.last_evaluated_key
