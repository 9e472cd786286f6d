"""Learning resources: advice attached to a skill of a track (documentation, a course, a
book...), with the levels it helps reach, whether it is free, and rough hours.

A resource belongs to the track and names its skill by slug, not to a version's Skill row: it
is not part of a matrix version, so it survives new versions and fixing a link needs no
publish (DESIGN.md). Imported by roles.models; it imports nothing of the app itself."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import connections, models
from django.utils import timezone

TITLE_MAX = 200
URL_MAX = 500
HOURS_MAX = 1000
# Only web links: a report prints them as links, so javascript:, data: and the like are refused.
web_url = URLValidator(schemes=["http", "https"], message="Enter a web address (http or https).")


class LearningResourceQuerySet(models.QuerySet):
    def of_track(self, track) -> LearningResourceQuerySet:
        return self.filter(track=track).order_by("skill", "position", "pk")

    def for_skills(self, track_id: int, skills: Iterable[str]) -> dict[str, list[LearningResource]]:
        """Skill slug -> its resources in order, for the given skills: one query (none for no
        skill), of what a learning plan and an export read.

        Written as SQL because a report asks on every first view: the ORM took longer to build
        the query than the database took to answer it."""
        skills = list(skills)
        if not skills:
            return {}
        table = connections[self.db].ops.quote_name(self.model._meta.db_table)
        placeholders = ", ".join(["%s"] * len(skills))
        sql = (
            f"SELECT id, skill, title, url, kind, levels, free, hours FROM {table} "
            f"WHERE track_id = %s AND skill IN ({placeholders}) ORDER BY skill, position, id"
        )
        by_skill: dict[str, list[LearningResource]] = {}
        for resource in self.raw(sql, [track_id, *skills]):
            by_skill.setdefault(resource.skill, []).append(resource)
        return by_skill


class LearningResource(models.Model):
    class Kind(models.TextChoices):
        DOCS = "docs", "Documentation"
        COURSE = "course", "Course"
        BOOK = "book", "Book"
        PRACTICE = "practice", "Practice"
        CERTIFICATION = "certification", "Certification"

    track = models.ForeignKey("roles.Track", on_delete=models.CASCADE, related_name="resources")
    skill = models.SlugField(max_length=80, help_text="The slug of the skill it helps with.")
    title = models.CharField(max_length=TITLE_MAX)
    url = models.URLField(max_length=URL_MAX, validators=[web_url])
    kind = models.CharField(max_length=16, choices=Kind.choices)
    levels = models.JSONField(default=list, help_text="The levels it helps reach, e.g. [1, 2].")
    free = models.BooleanField(default=True)
    hours = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(HOURS_MAX)],
        help_text="Rough hours to work through it.",
    )
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = LearningResourceQuerySet.as_manager()

    class Meta:
        ordering = ["track", "skill", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["track", "skill", "url"], name="resource_url_unique_per_skill"
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gte=1, hours__lte=HOURS_MAX),
                name="resource_hours_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def level_range(self) -> str:
        """ "1-3", "4" """
        if not self.levels:
            return ""
        low, high = min(self.levels), max(self.levels)
        return str(low) if low == high else f"{low}\u2013{high}"

    def helps_reach(self, rated: int, required: int) -> bool:
        """Does it help climb from `rated` to `required`: any of its levels in between?"""
        return any(rated < level <= required for level in self.levels)

    def clean(self) -> None:
        if (
            not isinstance(self.levels, list)
            or not self.levels
            or not all(
                isinstance(level, int) and not isinstance(level, bool) and level >= 1
                for level in self.levels
            )
        ):
            raise ValidationError({"levels": "Choose the levels it helps reach."})
