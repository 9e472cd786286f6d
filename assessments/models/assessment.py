"""Self-assessments: a user's ratings of the skills of one pinned matrix version, and the
answer-sequence mechanism (a newer answer wins) that reviews use too."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from roles.limits import MAX_SCALE_LEVEL
from roles.models import Category, MatrixVersion, Role, Skill, Track

EVIDENCE_MAX_LENGTH = 1000
# Answer sequences are positive 64-bit integers (PositiveBigIntegerField).
MAX_SEQUENCE = 2**63 - 1
# How far ahead of the server's clock a browser's answer number may be (clocks of two app
# servers differ a little); one further ahead would outrank every later answer to its skill.
SEQUENCE_LEEWAY = 60 * 1_000_000


def server_sequence() -> int:
    """The sequence of an answer that carries none (a form posted without JavaScript): the
    server's clock in microseconds, on the same scale as the browser's counter."""
    return time.time_ns() // 1000


def record_newer(
    queryset: models.QuerySet, keys: dict, values: dict, *, sequence: int, defaults: dict
) -> bool:
    """Upsert one answer keyed on `keys` (a unique constraint), written only over an older
    sequence, so a late request carrying an older answer never overwrites a newer one.
    `defaults` fill the fields `values` leaves out when the row is new."""
    values = {**values, "sequence": sequence}
    row = queryset.filter(**keys)
    if row.filter(sequence__lt=sequence).update(**values):
        return True
    try:
        with transaction.atomic():
            queryset.create(**keys, **{**defaults, **values})
        return True
    except IntegrityError:
        # The row exists: stored by a concurrent request (or newer than this answer).
        return bool(row.filter(sequence__lt=sequence).update(**values))


class AssessmentLocked(Exception):
    """The assessment is submitted: its answers can no longer change."""


class AssessmentIncomplete(Exception):
    """Some skill of the pinned version has no answer yet."""


@dataclass(frozen=True)
class Answer:
    skill_id: int
    level: int
    evidence: str | None  # None keeps the stored note


def _percent_answered(answered: int, total: int) -> int:
    return round(100 * answered / total) if total else 100


@dataclass(frozen=True)
class StepProgress:
    """One questionnaire step (a category of the pinned version) and how much of it is done."""

    category: Category
    answered: int
    total: int

    @property
    def is_complete(self) -> bool:
        return self.answered >= self.total

    @property
    def percent(self) -> int:
        return _percent_answered(self.answered, self.total)

    @property
    def unanswered(self) -> int:
        return max(0, self.total - self.answered)


@dataclass(frozen=True)
class Progress:
    steps: list[StepProgress]

    @property
    def answered(self) -> int:
        return sum(step.answered for step in self.steps)

    @property
    def total(self) -> int:
        return sum(step.total for step in self.steps)

    @property
    def percent(self) -> int:
        return _percent_answered(self.answered, self.total)

    @property
    def is_complete(self) -> bool:
        return self.answered >= self.total

    def step(self, category_slug: str) -> StepProgress | None:
        return next((s for s in self.steps if s.category.slug == category_slug), None)

    def after(self, category_slug: str) -> StepProgress | None:
        slugs = [step.category.slug for step in self.steps]
        position = slugs.index(category_slug)
        return self.steps[position + 1] if position + 1 < len(self.steps) else None

    def before(self, category_slug: str) -> StepProgress | None:
        slugs = [step.category.slug for step in self.steps]
        position = slugs.index(category_slug)
        return self.steps[position - 1] if position > 0 else None

    def first_incomplete(self) -> StepProgress | None:
        return next((step for step in self.steps if not step.is_complete), None)


def _count(queryset: models.QuerySet, group_by: str) -> Coalesce:
    """A correlated subquery counting the rows of `queryset` (already filtered on an OuterRef)."""
    counted = queryset.order_by().values(group_by).annotate(count=models.Count("pk"))
    return Coalesce(
        Subquery(counted.values("count"), output_field=models.IntegerField()), models.Value(0)
    )


# Digit characters to the levels they stand for, translated in one C call.
_DIGIT_VALUES = bytes.maketrans(b"01234567", bytes(range(8)))


def levels_from_snapshot(snapshot: str, skill_count: int) -> list[int] | None:
    """The levels a `submitted_levels` snapshot holds, or None when it does not hold exactly
    `skill_count` of them (no snapshot was taken)."""
    if len(snapshot) != skill_count:
        return None
    return list(snapshot.encode("ascii").translate(_DIGIT_VALUES))


def progress_of(version_id: int, answers: models.QuerySet) -> Progress:
    """Answered and total skills per category of a version, in step order, where `answers`
    (rows with a skill, already narrowed to one assessment or review) are the answers: one
    query."""
    answered, params = answers.order_by().values("skill_id").query.sql_with_params()
    return _progress(version_id, answered, params, using=answers.db)


def _progress(version_id: int, answered: str, params: list, *, using: str) -> Progress:
    """progress_of() where `answered` is SQL selecting the skill_id of every answer.

    Written as SQL because every autosave asks for it: the ORM took several times longer to
    build the query (two correlated counts) than the database took to run it."""
    quote = connections[using].ops.quote_name
    sql = (
        f"SELECT c.*, COUNT(s.id) AS skill_count, COUNT(a.skill_id) AS answered_count "
        f"FROM {quote(Category._meta.db_table)} c "
        # Inner join: a category without skills asks nothing, so it is not a step.
        f"INNER JOIN {quote(Skill._meta.db_table)} s ON s.category_id = c.id "
        f"LEFT JOIN ({answered}) a ON a.skill_id = s.id "
        f"WHERE c.version_id = %s GROUP BY c.id ORDER BY c.position, c.id"
    )
    categories = Category.objects.db_manager(using).raw(sql, [*params, version_id])
    return Progress(
        steps=[
            StepProgress(category=c, answered=c.answered_count, total=c.skill_count)
            for c in categories
        ]
    )


class AssessmentQuerySet(models.QuerySet):
    def owned_by(self, user) -> AssessmentQuerySet:
        return self.filter(user=user)

    def with_progress(self) -> AssessmentQuerySet:
        """Annotated with answered_count and skill_count (of the pinned version), in the same
        query whatever the number of assessments or skills."""
        return self.annotate(
            answered_count=_count(
                Rating.objects.filter(assessment=OuterRef("pk")), "assessment_id"
            ),
            skill_count=_count(Skill.objects.filter(version=OuterRef("version")), "version_id"),
        )

    def for_list(self) -> AssessmentQuerySet:
        return self.select_related("track", "version", "target_role").with_progress()

    def shared_with(self, mentor) -> AssessmentQuerySet:
        """The submitted assessments of the people `mentor` mentors now (an accepted
        invitation, not ended by either side): what a mentor may read and review."""
        mentees = get_user_model().objects.filter(
            mentorships_as_seeker__mentor=mentor, mentorships_as_seeker__ended_at__isnull=True
        )
        return self.filter(status=Assessment.Status.SUBMITTED, user__in=mentees.values("pk"))

    def history(self, user, track: Track) -> AssessmentQuerySet:
        """One user's assessments on one track, oldest first, for the progress page."""
        return (
            self.owned_by(user)
            .filter(track=track)
            .select_related("version", "target_role")
            .order_by("created_at", "pk")
        )


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="assessments")
    version = models.ForeignKey(MatrixVersion, on_delete=models.PROTECT, related_name="assessments")
    target_role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The levels as submitted, one digit per skill of the pinned version in matrix order:
    # both are frozen, so this never goes stale, and a mentor's cohort view reads a whole
    # assessment from one column instead of a row per skill. Empty for drafts.
    submitted_levels = models.TextField(blank=True, default="", editable=False)
    # When the seeker last asked their mentors to review it.
    review_requested_at = models.DateTimeField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="submitted_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.track.slug} ({self.created_at:%Y-%m-%d})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def is_visible_to(self, user) -> bool:
        """Whether `user` may read this assessment: its owner (drafts too), or a mentor of its
        owner now (not ended by either side) once it is submitted, as shared_with() has it.
        The owner costs no query; anyone else one, asked only of an assessment already read,
        which is cheaper to build than a query that checks both."""
        if self.user_id == user.pk:
            return True
        if not self.is_submitted:
            return False
        return user.mentorships_as_mentor.active().filter(seeker_id=self.user_id).exists()

    @property
    def percent_answered(self) -> int:
        """From the with_progress() annotations."""
        return _percent_answered(self.answered_count, self.skill_count)

    def progress(self) -> Progress:
        """Answered and total skills per step, in step order: one query (progress_of(), its
        answers written out, as every autosave shows it)."""
        connection = connections[self._state.db or DEFAULT_DB_ALIAS]
        ratings = connection.ops.quote_name(Rating._meta.db_table)
        answered = f"SELECT skill_id FROM {ratings} WHERE assessment_id = %s"
        params = [Assessment._meta.pk.get_db_prep_value(self.pk, connection)]
        return _progress(self.version_id, answered, params, using=connection.alias)

    def unanswered_skills(self) -> models.QuerySet[Skill]:
        answered = Rating.objects.filter(assessment=self, skill=OuterRef("pk"))
        return (
            Skill.objects.filter(version_id=self.version_id)
            .filter(~Exists(answered))
            .select_related("category")
            .in_matrix_order()
        )

    def stored_ratings(self) -> list[tuple[str, int, str]]:
        """Every stored answer as (skill slug, level, evidence), in no particular order: one
        query whatever the number of skills.

        Written as SQL because every draft report and every first view of a report asks for
        it: the ORM took four times longer to build the query than the database took to run
        it."""
        connection = connections[self._state.db or DEFAULT_DB_ALIAS]
        quote = connection.ops.quote_name
        sql = (
            f"SELECT s.slug, r.level, r.evidence FROM {quote(Rating._meta.db_table)} r "
            f"INNER JOIN {quote(Skill._meta.db_table)} s ON s.id = r.skill_id "
            "WHERE r.assessment_id = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [Assessment._meta.pk.get_db_prep_value(self.pk, connection)])
            return [tuple(row) for row in cursor.fetchall()]

    def level_statements(self) -> dict[str, dict[str, str]]:
        """Skill slug -> {level: what a person at that level does}, for the pinned version."""
        return dict(Skill.objects.filter(version_id=self.version_id).values_list("slug", "levels"))

    def newer_version(self, newest: int | None) -> MatrixVersion | None:
        """The track's current version, numbered `newest` (None: the track has no published
        version), when it is newer than the pinned one: one query, only when it is newer."""
        if newest is None or newest <= self.version.number:
            return None
        return self.track.versions.published().get(number=newest)

    def record_answers(self, answers: Iterable[Answer], sequence: int) -> int:
        """Store answers unless a newer one (higher sequence) is already stored for the skill;
        returns how many were written. Raises AssessmentLocked once submitted.

        Every statement checks on its own that the assessment is still a draft
        (Rating.objects.record), so no answer lands after a submission whatever runs between
        them. Several answers (a step page) are written in one transaction, to land together
        or not at all; one (an autosave) needs none, and holds no lock between statements."""
        answers = list(answers)
        now = timezone.now()
        together = transaction.atomic() if len(answers) > 1 else nullcontext()
        with together:
            if not self._touch_draft(now):
                raise AssessmentLocked
            self.updated_at = now
            written = sum(
                Rating.objects.record(self, answer, sequence=sequence, now=now)
                for answer in answers
            )
            # Refused answers: newer ones are stored, or it was submitted in between.
            if written < len(answers):
                still_draft = Assessment.objects.filter(pk=self.pk, status=self.Status.DRAFT)
                if not still_draft.exists():
                    raise AssessmentLocked
        return written

    def _touch_draft(self, now: datetime) -> bool:
        """Set `updated_at` to `now` if this assessment is still a draft; whether it is.

        Written as SQL because every autosave runs it: the ORM took several times longer to
        build the statement than the database took to run it."""
        connection = connections[self._state.db or DEFAULT_DB_ALIAS]
        quote = connection.ops.quote_name
        sql = (
            f"UPDATE {quote(Assessment._meta.db_table)} SET {quote('updated_at')} = %s "
            f"WHERE {quote('id')} = %s AND {quote('status')} = %s"
        )
        params = [
            Assessment._meta.get_field("updated_at").get_db_prep_value(now, connection),
            Assessment._meta.pk.get_db_prep_value(self.pk, connection),
            self.Status.DRAFT,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount > 0

    def answer_unanswered(self, skill_ids: Iterable[int], level: int) -> int:
        """Answer `level` to each of these skills that has no answer yet, and never over one:
        an answer stored meanwhile (another tab, a late autosave) stands. Returns how many
        were answered. Raises AssessmentLocked once submitted."""
        now = timezone.now()
        sequence = server_sequence()
        with transaction.atomic():
            still_draft = Assessment.objects.filter(pk=self.pk, status=self.Status.DRAFT)
            if not still_draft.update(updated_at=now):
                raise AssessmentLocked
            missing = list(
                self.unanswered_skills().filter(pk__in=list(skill_ids)).values_list("pk", flat=True)
            )
            Rating.objects.bulk_create(
                [
                    Rating(
                        assessment=self,
                        skill_id=skill_id,
                        level=level,
                        sequence=sequence,
                        updated_at=now,
                    )
                    for skill_id in missing
                ],
                ignore_conflicts=True,
            )
        self.updated_at = now
        return len(missing)

    def submit(self) -> bool:
        """Lock the answers; False when already submitted. Raises AssessmentIncomplete while a
        skill of the pinned version has no answer (0 is an answer)."""
        with transaction.atomic():
            locked = Assessment.objects.select_for_update().only("status").get(pk=self.pk)
            if locked.is_submitted:
                return False
            if self.unanswered_skills().exists():
                raise AssessmentIncomplete
            now = timezone.now()
            levels = self.levels_snapshot()
            Assessment.objects.filter(pk=self.pk).update(
                status=self.Status.SUBMITTED,
                submitted_at=now,
                updated_at=now,
                submitted_levels=levels,
            )
        self.status, self.submitted_at, self.updated_at = self.Status.SUBMITTED, now, now
        self.submitted_levels = levels
        return True

    def levels_snapshot(self) -> str:
        """The stored levels as `submitted_levels` holds them (unanswered as 0): one query."""
        level = Rating.objects.filter(assessment=self, skill=OuterRef("pk")).values("level")
        skills = (
            Skill.objects.filter(version_id=self.version_id)
            .in_matrix_order()
            .annotate(level=Coalesce(Subquery(level), models.Value(0)))
        )
        return "".join(str(level) for level in skills.values_list("level", flat=True))


class RatingQuerySet(models.QuerySet):
    def record(self, assessment: Assessment, answer: Answer, *, sequence: int, now) -> bool:
        """Upsert one answer keyed on (assessment, skill), written only over an older sequence,
        so a late request carrying an older answer never overwrites a newer one, and only
        while the assessment is a draft; returns whether it was written.

        One statement: the row is inserted from the assessment's own row, read with a share
        lock where the database has one (PostgreSQL), so a concurrent submit()
        (select_for_update) either waits for this answer or is seen by it; SQLite runs one
        writer at a time anyway."""
        connection = connections[self.db]
        quote = connection.ops.quote_name
        ratings, assessments = quote(Rating._meta.db_table), quote(Assessment._meta.db_table)
        columns = ["assessment_id", "skill_id", "level", "evidence", "sequence", "updated_at"]
        # The stored note is kept when none was posted.
        replaced = [
            name for name in columns[2:] if name != "evidence" or answer.evidence is not None
        ]
        assignments = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in replaced)
        lock = " FOR SHARE" if connection.features.has_select_for_update else ""
        sql = (
            f"INSERT INTO {ratings} ({', '.join(map(quote, columns))}) "
            f"SELECT id, %s, %s, %s, %s, %s FROM {assessments} WHERE id = %s AND status = %s{lock} "
            f"ON CONFLICT (assessment_id, skill_id) DO UPDATE SET {assignments} "
            f"WHERE {ratings}.{quote('sequence')} < excluded.{quote('sequence')}"
        )
        params = [
            answer.skill_id,
            answer.level,
            answer.evidence or "",
            sequence,
            Rating._meta.get_field("updated_at").get_db_prep_value(now, connection),
            Assessment._meta.pk.get_db_prep_value(assessment.pk, connection),
            Assessment.Status.DRAFT,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount > 0

    def levels_by_assessment(self) -> dict[uuid.UUID, dict[str, int]]:
        """Assessment id -> {skill slug: level}, for every rating in this queryset: one query."""
        levels: dict[uuid.UUID, dict[str, int]] = {}
        for assessment_id, slug, level in self.order_by().values_list(
            "assessment_id", "skill__slug", "level"
        ):
            levels.setdefault(assessment_id, {})[slug] = level
        return levels


class Rating(models.Model):
    # No index of its own: the unique (assessment, skill) index serves lookups by assessment.
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="ratings", db_index=False
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    evidence = models.TextField(max_length=EVIDENCE_MAX_LENGTH, blank=True)
    # The client's answer counter: a late request carrying an older answer never overwrites
    # a newer one.
    sequence = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "skill__category__position", "skill__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "skill"], name="rating_unique"),
            models.CheckConstraint(
                condition=Q(level__lte=MAX_SCALE_LEVEL), name="rating_level_in_any_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} = {self.level}"
