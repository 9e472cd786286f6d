"""The mentoring page's view models: a mentor's mentees (each with their submitted
assessments, the latest one's readiness for its target role and the review's status), and a
seeker's submitted assessments with the reviews their mentors gave or are writing."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from html import escape

from django.db.models import OuterRef, Subquery
from django.utils.safestring import SafeString, mark_safe

from assessments import scoring
from assessments.history import Calendar
from assessments.models import Assessment, Mentorship, Review
from assessments.scored import percent, stored_levels, version_matrices
from assessments.scoring import Readiness
from careerfit.http import path_with_id
from roles.models import MatrixVersion

NOT_ASKED, ASKED, IN_PROGRESS, REVIEWED = "not asked", "asked", "in progress", "reviewed"
# Each review status's badge class (as slugify writes it) and the mentor's button for it.
STATUS_CLASSES = {
    status: status.replace(" ", "-") for status in (NOT_ASKED, ASKED, IN_PROGRESS, REVIEWED)
}
REVIEW_ACTIONS = {REVIEWED: "See your review", IN_PROGRESS: "Continue your review"}


def review_status(assessment: Assessment | Submitted, review_state: str | None) -> str:
    """Where one mentor's review of one assessment stands, as the mentor reads it."""
    if review_state == Review.Status.SUBMITTED:
        return REVIEWED
    if review_state == Review.Status.DRAFT:
        return IN_PROGRESS
    return ASKED if assessment.review_requested_at else NOT_ASKED


@dataclass(frozen=True)
class Submitted:
    """One of a mentee's submitted assessments, as their card shows it: plain values, as a
    mentor of hundreds would otherwise pay for four model instances each."""

    pk: uuid.UUID
    user_id: int
    version_id: int
    submitted_at: datetime
    submitted_levels: str
    review_requested_at: datetime | None
    track_name: str
    target_slug: str
    target_title: str
    review_state: str | None  # of this mentor's review of it, if any


@dataclass(frozen=True)
class Mentee:
    mentorship_id: uuid.UUID
    name: str
    assessments: tuple[Submitted, ...]  # latest first
    target: Readiness | None  # the latest one's readiness for its target role
    review_status: str  # of the latest one, by this mentor

    @property
    def latest(self) -> Submitted | None:
        return self.assessments[0] if self.assessments else None

    @property
    def earlier(self) -> tuple[Submitted, ...]:
        return self.assessments[1:]

    @property
    def percent(self) -> int | None:
        return percent(self.target.coverage) if self.target else None


def mentees_of(mentor) -> list[Mentee]:
    """The people `mentor` mentors now, by name. Queries: the mentorships, the mentees'
    submitted assessments with this mentor's review of each, the versions of the latest
    ones, and four per distinct version this process has not built the matrix of; as many
    mentees or skills as you like cost no more."""
    mentorships = list(
        Mentorship.objects.active()
        .filter(mentor=mentor)
        .order_by("seeker__username")
        .values_list("pk", "seeker_id", "seeker__username")
    )
    if not mentorships:
        return []
    by_seeker: dict[int, list[Submitted]] = defaultdict(list)
    reviews = Review.objects.filter(mentor=mentor, assessment=OuterRef("pk"))
    submitted = (
        Assessment.objects.shared_with(mentor)
        .order_by("-submitted_at")
        .values_list(
            "pk",
            "user_id",
            "version_id",
            "submitted_at",
            "submitted_levels",
            "review_requested_at",
            "track__name",
            "target_role__slug",
            "target_role__title",
            Subquery(reviews.values("status")[:1]),
        )
    )
    for row in submitted:
        assessment = Submitted(*row)
        by_seeker[assessment.user_id].append(assessment)
    latest = [found[0] for found in by_seeker.values()]
    versions = MatrixVersion.objects.in_bulk({assessment.version_id for assessment in latest})
    matrices = version_matrices(versions)
    levels = stored_levels(((a.pk, a.version_id, a.submitted_levels) for a in latest), matrices)
    mentees = []
    for mentorship_id, seeker_id, name in mentorships:
        found = tuple(by_seeker.get(seeker_id, ()))
        target = status = None
        if found:
            newest = found[0]
            matrix = matrices[newest.version_id]
            target = scoring.readiness(matrix, newest.target_slug, levels[newest.pk])
            status = review_status(newest, newest.review_state)
        mentees.append(Mentee(mentorship_id, name, found, target, status or NOT_ASKED))
    return mentees


def mentee_cards(mentees: list[Mentee]) -> SafeString:
    """The mentees' cards as one piece of HTML, each link reversed once: with hundreds of
    mentees, a template tag per line of each card would cost most of the page."""
    calendar = Calendar()
    report, review, end = (
        path_with_id(name) for name in ("assessments:report", "assessments:review", "mentoring:end")
    )

    def when(assessment: Submitted) -> str:
        local = calendar.local(assessment.submitted_at)
        return f'<time datetime="{local.isoformat()}">{calendar.day(local)}</time>'

    def card(mentee: Mentee) -> str:
        name = escape(mentee.name)
        stop = (
            f'<a href="{end(mentee.mentorship_id)}">Stop mentoring'
            f'<span class="visually-hidden"> {name}</span></a>'
        )
        latest = mentee.latest
        if latest is None:
            body = (
                '<p class="muted">No submitted assessment yet: you will see their reports once '
                f'they submit one.</p>\n<p class="actions">{stop}</p>'
            )
        else:
            track = escape(latest.track_name)
            verdict = escape(mentee.target.verdict)
            status = mentee.review_status
            action = REVIEW_ACTIONS.get(status, "Review it")
            body = (
                '<dl class="facts">\n'
                f'<div><dt>Latest assessment</dt><dd><a href="{report(latest.pk)}">{track}</a>, '
                f"submitted {when(latest)}</dd></div>\n"
                f"<div><dt>Target role</dt><dd>{escape(latest.target_title)}</dd></div>\n"
                f"<div><dt>Readiness</dt><dd>{mentee.percent}% coverage "
                f'<span class="badge badge-{verdict}">{verdict[:1].upper()}{verdict[1:]}</span>'
                "</dd></div>\n"
                f'<div><dt>Your review</dt><dd><span class="badge review-{STATUS_CLASSES[status]}">'
                f"{status[:1].upper()}{status[1:]}</span></dd></div>\n</dl>\n"
                f'<p class="actions">\n<a class="button button-small" href="{review(latest.pk)}">'
                f'{action}<span class="visually-hidden"> of {name}\'s {track} assessment'
                "</span></a>\n"
                f'<a href="{report(latest.pk)}">Report<span class="visually-hidden"> of {name}, '
                f"{track}</span></a>\n{stop}\n</p>"
            )
            if mentee.earlier:
                items = "\n".join(
                    f'<li><a href="{report(a.pk)}">{escape(a.track_name)}: aiming for '
                    f"{escape(a.target_title)}</a>, submitted {when(a)}</li>"
                    for a in mentee.earlier
                )
                body += (
                    f"\n<details>\n<summary>Earlier assessments ({len(mentee.earlier)})</summary>"
                    f"\n<ul>\n{items}\n</ul>\n</details>"
                )
        return f'<li class="card mentee-card">\n<h3 class="card-title">{name}</h3>\n{body}\n</li>'

    return mark_safe("\n".join(map(card, mentees)))


@dataclass(frozen=True)
class ReviewsOfMine:
    """One of the seeker's submitted assessments and its mentors' reviews."""

    assessment: Assessment
    submitted: tuple[Review, ...]  # newest first
    in_progress: tuple[Review, ...]
    can_ask: bool  # some mentor of the seeker's now has not reviewed it


RECENT_REVIEWED = 5  # of the seeker's submitted assessments on the mentoring page


def reviews_of_mine(seeker, mentor_ids: set[int]) -> tuple[list[ReviewsOfMine], bool]:
    """The seeker's latest RECENT_REVIEWED submitted assessments, latest first, each with the
    reviews of it (those in progress only by `mentor_ids`, their mentors now), and whether
    there are older ones (My assessments lists them; their reports show their reviews): two
    queries, however long the history."""
    assessments = list(
        Assessment.objects.owned_by(seeker)
        .filter(status=Assessment.Status.SUBMITTED)
        .select_related("track", "target_role")
        .order_by("-submitted_at")[: RECENT_REVIEWED + 1]
    )
    older = len(assessments) > RECENT_REVIEWED
    assessments = assessments[:RECENT_REVIEWED]
    reviews: dict[uuid.UUID, list[Review]] = defaultdict(list)
    for review in Review.objects.filter(assessment__in=assessments).select_related("mentor"):
        reviews[review.assessment_id].append(review)
    found = []
    for assessment in assessments:
        submitted = tuple(r for r in reviews[assessment.pk] if r.is_submitted)
        in_progress = tuple(
            r for r in reviews[assessment.pk] if not r.is_submitted and r.mentor_id in mentor_ids
        )
        to_ask = mentor_ids - {review.mentor_id for review in submitted}
        found.append(ReviewsOfMine(assessment, submitted, in_progress, bool(to_ask)))
    return found, older
