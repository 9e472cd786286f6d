"""Self-assessments: a user's ratings of the skills of one pinned matrix version."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from roles.models import MAX_SCALE_LEVEL, MatrixVersion, Role, Skill, Track

EVIDENCE_MAX_LENGTH = 1000


class AssessmentQuerySet(models.QuerySet):
    def owned_by(self, user) -> AssessmentQuerySet:
        return self.filter(user=user)


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


class Rating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    evidence = models.TextField(max_length=EVIDENCE_MAX_LENGTH, blank=True)
    # The client's answer counter: a late request carrying an older answer never overwrites
    # a newer one.
    sequence = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

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
