"""The report's exports: report.json (the assessment, its ratings, the engine's own
serialisation, and the mentors' reviews the viewer may read) and report.csv (one row per role
and skill it requires, with the person's evidence for the skill and the chosen review's level
and comment)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from assessments import scoring_data
from assessments.models import Assessment
from assessments.reviewed import LoadedReview
from assessments.scored import Scored

CSV_COLUMNS = (
    "role",
    "role_title",
    "rank",
    "category",
    "skill",
    "skill_name",
    "rated",
    "required",
    "gap",
    "importance",
    "priority",
    "role_coverage",
    "role_verdict",
    "mentor_level",
    "mentor_comment",
    "evidence",
)


def export_filename(assessment: Assessment, extension: str) -> str:
    moment = assessment.submitted_at or assessment.updated_at
    return f"careerfit-{assessment.track.slug}-{moment:%Y-%m-%d}-report.{extension}"


def report_json(
    scored: Scored, reviews: list[LoadedReview], chosen: LoadedReview | None
) -> dict[str, Any]:
    """report.json: the assessment, its ratings and the engine's own serialisation; `review`
    (the one the `reviewed` scores use: `chosen`), `reviewed` and `reviews` (every submitted
    review the viewer may read), null and empty without one."""
    assessment = scored.assessment
    engine = {"reviewed": None, **scoring_data.report_data(scored.score)}
    answered = scored.levels
    return {
        "assessment": {
            "id": str(assessment.pk),
            "track": assessment.track.slug,
            "target_role": assessment.target_role.slug,
            "status": assessment.status,
            "matrix_version": assessment.version.number,
            "created_at": _iso(assessment.created_at),
            "submitted_at": _iso(assessment.submitted_at),
        },
        "draft": not assessment.is_submitted,
        "scale": engine.pop("scale"),
        "ratings": [
            {
                "skill": slug,
                "category": scored.skills[slug].category,
                "level": level,
                "evidence": evidence,
            }
            for slug, level, evidence in scored.ratings
        ],
        # Unanswered skills count as 0 in every figure below.
        "unanswered": [skill.slug for skill in scored.matrix.skills if skill.slug not in answered],
        "review": _review_data(scored, chosen) if chosen else None,
        "reviews": [_review_data(scored, review) for review in reviews if review.is_submitted],
        **engine,
    }


def _review_data(scored: Scored, review: LoadedReview) -> dict[str, Any]:
    return {
        "id": review.id,
        "mentor": review.mentor,
        "submitted_at": _iso(review.submitted_at),
        "note": review.review.note,
        # Per skill the mentor gave a level, in matrix order.
        "ratings": [
            {
                "skill": skill.slug,
                "category": skill.category,
                "level": review.levels[skill.slug],
                "comment": review.comments[skill.slug],
            }
            for skill in scored.matrix.skills
            if skill.slug in review.levels
        ],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def csv_rows(scored: Scored, review: LoadedReview | None) -> Iterator[list[Any]]:
    """report.csv: one row per role and skill it requires, ladder order then skill order, with
    the review's level and comment for the skill (empty without one) and the person's own
    evidence for it."""
    yield list(CSV_COLUMNS)
    levels = review.levels if review else {}
    comments = review.comments if review else {}
    evidence = {slug: note for slug, _, note in scored.ratings}
    for role_score in scored.score.roles:
        coverage = scoring_data.rounded(role_score.coverage_float)
        gaps = {gap.skill: gap for gap in role_score.gaps}
        for requirement in scored.requirements(role_score):
            skill = scored.skills[requirement.skill]
            gap = gaps.get(requirement.skill)
            yield [
                role_score.slug,
                _cell(role_score.role.title),
                role_score.rank,
                skill.category,
                skill.slug,
                _cell(skill.name),
                gap.rated if gap else scored.levels.get(skill.slug, 0),
                requirement.level,
                gap.gap if gap else 0,
                requirement.importance,
                gap.priority if gap else 0,
                coverage,
                role_score.verdict,
                levels.get(skill.slug, ""),
                _cell(comments.get(skill.slug, "")),
                _cell(evidence.get(skill.slug, "")),
            ]


def _cell(text: str) -> str:
    # A spreadsheet runs a cell starting with one of these as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
