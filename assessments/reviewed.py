"""Mentors' reviews on a report and its exports: which reviews the viewer may read (the seeker:
every submitted one; a mentor: their own), the one the reviewed score uses (by default the
latest submitted), and the report's review section: the reviewed result per rung, the
calibration of the seeker's levels against the mentor's, the mentor's comments and note.

The reviewed score itself is the engine's (scoring.score with mentor levels); this module
reads reviews from the database and words the comparison."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.http import Http404

from assessments.mentees import REVIEWED, review_status
from assessments.models import Assessment, Mentorship, Review, ReviewRating
from assessments.reports import summary_sentence
from assessments.scored import Scored, level_label, percent

# Levels apart at which self and mentor are called out as far apart.
WIDE_DIFFERENCE = 2


@dataclass(frozen=True)
class LoadedReview:
    review: Review
    answers: tuple[tuple[str, int, str], ...]  # (skill slug, level, comment); submitted only

    @property
    def id(self) -> str:
        return str(self.review.pk)

    @property
    def mentor(self) -> str:
        return self.review.mentor.get_username()

    @property
    def submitted_at(self) -> datetime | None:
        return self.review.submitted_at

    @property
    def is_submitted(self) -> bool:
        return self.review.is_submitted

    @cached_property
    def levels(self) -> dict[str, int]:
        return {slug: level for slug, level, _ in self.answers}

    @cached_property
    def comments(self) -> dict[str, str]:
        return {slug: comment for slug, _, comment in self.answers}


def load_reviews(assessment: Assessment, viewer) -> list[LoadedReview]:
    """The reviews of `assessment` that `viewer` may know of, latest submitted first: its
    seeker knows of every one (drafts only as "in progress"), a mentor only of their own.
    Answers are loaded for submitted ones. Two queries (one when nothing is submitted); none
    for a draft, which mentors never see, so never review."""
    if not assessment.is_submitted:
        return []
    reviews = Review.objects.filter(assessment=assessment).select_related("mentor")
    if assessment.user_id != viewer.pk:
        reviews = reviews.filter(mentor=viewer)
    reviews = list(reviews.order_by("-submitted_at", "-created_at"))
    submitted = [review for review in reviews if review.is_submitted]
    answers: dict[object, list[tuple[str, int, str]]] = defaultdict(list)
    if submitted:
        rows = ReviewRating.objects.filter(review__in=submitted).values_list(
            "review_id", "skill__slug", "level", "comment"
        )
        for review_id, slug, level, comment in rows:
            answers[review_id].append((slug, level, comment))
    return [LoadedReview(review, tuple(answers[review.pk])) for review in reviews]


def choose_review(reviews: list[LoadedReview], wanted: str) -> LoadedReview | None:
    """The submitted review the reviewed score uses: the one asked for by id (a 404 when it
    is not one of them), by default the latest submitted."""
    submitted = [review for review in reviews if review.is_submitted]
    if not wanted:
        return submitted[0] if submitted else None
    chosen = next((review for review in submitted if review.id == wanted), None)
    if chosen is None:
        raise Http404("No such review of this assessment.")
    return chosen


@dataclass(frozen=True)
class RungComparison:
    title: str
    is_target: bool
    own: tuple[int, str]  # (percent, verdict)
    reviewed: tuple[int, str]


@dataclass(frozen=True)
class CalibrationRow:
    skill: str
    category: str
    own: str  # level label
    mentor: str
    difference: int  # own level minus the mentor's
    comment: str

    @property
    def is_wide(self) -> bool:
        return abs(self.difference) >= WIDE_DIFFERENCE


@dataclass(frozen=True)
class MentorStatus:
    name: str
    status: str  # mentees.NOT_ASKED ... REVIEWED


@dataclass(frozen=True)
class ReviewSection:
    """The report's review part, worded for its viewer (the seeker, or the mentor)."""

    chosen: LoadedReview | None
    choices: tuple[LoadedReview, ...]  # every submitted review the viewer may read
    viewer_is_owner: bool
    seeker: str
    mentors: tuple[MentorStatus, ...]  # the seeker's mentors now (for the seeker only)
    own_status: str | None  # the mentor's own review, for the mentor
    summary: str
    rungs: tuple[RungComparison, ...]
    rows: tuple[CalibrationRow, ...]  # the skills the mentor gave a level, in matrix order

    @property
    def mentor(self) -> str:
        return self.chosen.mentor if self.chosen else ""

    @property
    def can_ask(self) -> bool:
        """Whether asking for a review would reach anyone: a mentor who has not reviewed."""
        return any(mentor.status != REVIEWED for mentor in self.mentors)

    @property
    def differing(self) -> tuple[CalibrationRow, ...]:
        """Rows worth reading: a different level, or a comment."""
        return tuple(row for row in self.rows if row.difference or row.comment)

    @property
    def agreeing(self) -> tuple[CalibrationRow, ...]:
        return tuple(row for row in self.rows if not row.difference and not row.comment)

    @property
    def wide(self) -> tuple[CalibrationRow, ...]:
        """Two levels apart or more, widest first (matrix order among equals)."""
        wide = [row for row in self.rows if row.is_wide]
        return tuple(sorted(wide, key=lambda row: -abs(row.difference)))

    @property
    def mean_difference(self) -> float | None:
        if not self.rows:
            return None
        return sum(row.difference for row in self.rows) / len(self.rows)

    @property
    def mean_sentence(self) -> str:
        """'You rate yourself 0.6 levels above ada on average, over the 12 skills ada
        reviewed.', or worded for the mentor: 'bob rates themselves ... above you ...'."""
        mean = self.mean_difference
        if mean is None:
            return ""
        count = len(self.rows)
        skills = f"{count} skill{'s' if count != 1 else ''}"
        shown = round(abs(mean), 1)
        side = "above" if mean > 0 else "below"
        levels = f"{shown:g} level{'' if shown == 1 else 's'} {side}"
        if self.viewer_is_owner:
            over = f"over the {skills} {self.mentor} reviewed"
            if shown == 0:
                return f"On average you rate yourself the same as {self.mentor} does, {over}."
            return f"You rate yourself {levels} {self.mentor} on average, {over}."
        over = f"over the {skills} you reviewed"
        if shown == 0:
            return f"On average {self.seeker} rates themselves the same as you do, {over}."
        return f"{self.seeker} rates themselves {levels} you on average, {over}."


def review_section(
    scored: Scored,
    reviews: list[LoadedReview],
    chosen: LoadedReview | None,
    viewer,
    *,
    seeker_has_mentors: bool,
) -> ReviewSection:
    """The report's review part. For the seeker it also lists their mentors with where each
    one's review of this assessment stands (one query, none without mentors)."""
    assessment = scored.assessment
    viewer_is_owner = assessment.user_id == viewer.pk
    mentors: tuple[MentorStatus, ...] = ()
    own_status = None
    states = {review.review.mentor_id: review.review.status for review in reviews}
    if viewer_is_owner and seeker_has_mentors:
        current = Mentorship.objects.active().filter(seeker=viewer).order_by("mentor__username")
        mentors = tuple(
            MentorStatus(name, review_status(assessment, states.get(mentor_id)))
            for mentor_id, name in current.values_list("mentor_id", "mentor__username")
        )
    else:
        own_status = review_status(assessment, states.get(viewer.pk))
    rungs: tuple[RungComparison, ...] = ()
    rows: tuple[CalibrationRow, ...] = ()
    summary = ""
    reviewed = scored.score.reviewed
    if chosen is not None and reviewed is not None:
        target = assessment.target_role.slug
        rungs = tuple(
            RungComparison(
                title=own.role.title,
                is_target=own.slug == target,
                own=(percent(own.coverage), own.verdict),
                reviewed=(percent(theirs.coverage), theirs.verdict),
            )
            for own, theirs in zip(scored.score.roles, reviewed.roles, strict=True)
        )
        rows = tuple(
            CalibrationRow(
                skill=skill.name,
                category=scored.category_names[skill.category],
                own=level_label(scored.matrix, scored.levels.get(skill.slug, 0)),
                mentor=level_label(scored.matrix, chosen.levels[skill.slug]),
                difference=scored.levels.get(skill.slug, 0) - chosen.levels[skill.slug],
                comment=chosen.comments[skill.slug],
            )
            for skill in scored.matrix.skills
            if skill.slug in chosen.levels
        )
        summary = summary_sentence(reviewed)
    return ReviewSection(
        chosen=chosen,
        choices=tuple(review for review in reviews if review.is_submitted),
        viewer_is_owner=viewer_is_owner,
        seeker=assessment.user.get_username(),
        mentors=mentors,
        own_status=own_status,
        summary=summary,
        rungs=rungs,
        rows=rows,
    )
