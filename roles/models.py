"""Career ladders: a track and its numbered, immutable matrix versions of categories, skills,
roles and requirements."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

# The editor's audit log and the learning resources live in their own modules; imported here
# so that Django registers their models with the app.
from roles.audit import AuditEntry  # noqa: F401
from roles.document import MatrixDocument, build_document, document_hash
from roles.limits import (
    DESCRIPTION_MAX,
    IMPORTANCE_NAMES,
    MAX_SCALE_LEVEL,
    SLUG_MAX,
    STATEMENT_MAX,
    scale_problem,
    slug_validator,
)
from roles.resources import LearningResource  # noqa: F401


class PublishedVersionError(Exception):
    """Raised on any attempt to change a published matrix version or its content."""


class TrackQuerySet(models.QuerySet):
    def with_current_version(self) -> TrackQuerySet:
        """Tracks that have a published version, annotated with its id as current_version_id."""
        latest = (
            MatrixVersion.objects.published()
            .filter(track=models.OuterRef("pk"))
            .order_by("-number")
            .values("pk")[:1]
        )
        return self.annotate(current_version_id=models.Subquery(latest)).filter(
            current_version_id__isnull=False
        )

    def for_ladder_list(self) -> TrackQuerySet:
        """Tracks with a published version, each annotated with current_version_id and the
        number of roles and skills in that version: one query whatever the matrix size."""

        def count_in_current(model: type[models.Model]) -> models.Func:
            counted = (
                model.objects.filter(version_id=models.OuterRef("current_version_id"))
                .order_by()
                .values("version_id")
                .annotate(count=models.Count("pk"))
                .values("count")
            )
            return Coalesce(
                models.Subquery(counted, output_field=models.IntegerField()), models.Value(0)
            )

        return self.with_current_version().annotate(
            role_count=count_in_current(Role), skill_count=count_in_current(Skill)
        )


class Track(models.Model):
    slug = models.SlugField(max_length=SLUG_MAX, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=DESCRIPTION_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TrackQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def current_version(self) -> MatrixVersion | None:
        return self.versions.published().order_by("-number").first()

    def draft_version(self) -> MatrixVersion | None:
        return self.versions.filter(status=MatrixVersion.Status.DRAFT).first()

    def start_draft(self) -> MatrixVersion:
        """The track's draft, created as a copy of the current version if there is none."""
        with transaction.atomic():
            Track.objects.select_for_update().filter(pk=self.pk).first()
            draft = self.draft_version()
            if draft is not None:
                return draft
            current = self.current_version()
            if current is None:
                raise ValidationError(f"Track {self.slug!r} has no version to copy from.")
            return current.copy_as_draft()


class MatrixVersionQuerySet(models.QuerySet):
    def published(self) -> MatrixVersionQuerySet:
        return self.filter(status=MatrixVersion.Status.PUBLISHED)

    # Bulk writes bypass save() and delete(); refuse them on published versions too.
    def update(self, **kwargs) -> int:
        if self.published().exists():
            raise PublishedVersionError("Published matrix versions cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        if self.published().exists():
            raise PublishedVersionError("Published matrix versions cannot be deleted.")
        return super().delete()

    def current_of(self, track_slug: str) -> MatrixVersion | None:
        """The current (latest published) version of a track, with its track, in one query."""
        return (
            self.published()
            .select_related("track")
            .filter(track__slug=track_slug)
            .order_by("-number")
            .first()
        )


class MatrixVersion(models.Model):
    """One numbered snapshot of a track's matrix. Scale and thresholds belong to the snapshot
    so that an assessment pinned to it scores the same forever."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    scale = models.JSONField(help_text="Level names; the index is the level, 0 = none.")
    ready_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.9000"),
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))],
    )
    close_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.7500"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MatrixVersionQuerySet.as_manager()

    class Meta:
        ordering = ["track", "-number"]
        # Held by the "Matrix editors" group (and superusers): the browser's matrix editor.
        permissions = [("edit_matrix", "Can edit matrices in the matrix editor")]
        constraints = [
            models.UniqueConstraint(fields=["track", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["track"], condition=Q(status="draft"), name="one_draft_per_track"
            ),
            models.CheckConstraint(
                condition=Q(close_threshold__lte=models.F("ready_threshold")),
                name="close_threshold_not_above_ready",
            ),
            models.CheckConstraint(
                condition=Q(ready_threshold__gt=0, ready_threshold__lte=1, close_threshold__gte=0),
                name="thresholds_in_unit_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track.slug} v{self.number} ({self.status})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def max_level(self) -> int:
        return len(self.scale) - 1

    def level_name(self, level: int) -> str:
        return self.scale[level]

    def ensure_editable(self) -> None:
        if self.is_published:
            raise PublishedVersionError(
                f"{self.track.slug} v{self.number} is published and cannot be changed; "
                "edit a new draft instead."
            )

    def save(self, *args, **kwargs) -> None:
        # A published row may only be written once: by the publish() that freezes it.
        if self.pk is not None and not getattr(self, "_publishing", False):
            stored = MatrixVersion.objects.filter(pk=self.pk).values_list("status", flat=True)
            if stored.first() == self.Status.PUBLISHED:
                raise PublishedVersionError(
                    f"{self.track.slug} v{self.number} is published and cannot be changed."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # Ask the database too: this instance may have been loaded before it was published.
        if self.is_published or MatrixVersion.objects.filter(pk=self.pk).published().exists():
            raise PublishedVersionError(
                f"{self.track.slug} v{self.number} is published and cannot be deleted."
            )
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        problem = scale_problem(self.scale)
        if problem:
            raise ValidationError({"scale": problem})
        if self.pk is not None:
            too_high = Requirement.objects.filter(role__version=self, level__gt=self.max_level)
            if too_high.exists():
                raise ValidationError(
                    {
                        "scale": f"Some requirements ask for a level above {self.max_level}; "
                        "lower them before shortening the scale."
                    }
                )

    def publish(self) -> None:
        """Freeze this draft and make it the track's current version, atomically."""
        with transaction.atomic():
            locked = MatrixVersion.objects.select_for_update().get(pk=self.pk)
            locked.ensure_editable()
            self.status = self.Status.PUBLISHED
            self.published_at = timezone.now()
            self.content_hash = document_hash(self.to_document())
            self._publishing = True
            try:
                self.save(update_fields=["status", "published_at", "content_hash"])
            finally:
                self._publishing = False

    def to_document(self) -> MatrixDocument:
        """This version's content as a matrix document (roles.document), in six queries
        whatever its size."""
        track = self.track
        return build_document(
            track={"slug": track.slug, "name": track.name, "description": track.description},
            scale=self.scale,
            thresholds=(self.ready_threshold, self.close_threshold),
            categories=self.categories.in_matrix_order().values("slug", "name", "description"),
            skills=self.skills.in_matrix_order().values(
                "pk", "slug", "name", "description", "levels", category_slug=F("category__slug")
            ),
            roles=self.roles.in_matrix_order().values("pk", *Role.CONTENT_FIELDS),
            requirements=Requirement.objects.filter(role__version=self).values_list(
                "role_id", "skill_id", "level", "importance"
            ),
            drops=DeclaredDrop.objects.filter(role__version=self).values_list(
                "role_id", "skill_id", "reason"
            ),
        )

    def copy_as_draft(self) -> MatrixVersion:
        """A new draft of the same track holding a copy of this version's content."""
        with transaction.atomic():
            last = self.track.versions.order_by("-number").values_list("number", flat=True)
            draft = MatrixVersion.objects.create(
                track=self.track,
                number=(last.first() or 0) + 1,
                scale=list(self.scale),
                ready_threshold=self.ready_threshold,
                close_threshold=self.close_threshold,
            )
            categories = {}
            for category in self.categories.all():
                categories[category.pk] = Category.objects.create(
                    version=draft,
                    slug=category.slug,
                    name=category.name,
                    description=category.description,
                    position=category.position,
                )
            skills = {}
            for skill in self.skills.all():
                skills[skill.pk] = Skill(
                    version=draft,
                    category=categories[skill.category_id],
                    slug=skill.slug,
                    name=skill.name,
                    description=skill.description,
                    levels=dict(skill.levels),
                    position=skill.position,
                )
            Skill.objects.bulk_create(skills.values())
            roles = {}
            for role in self.roles.all():
                roles[role.pk] = Role(
                    version=draft,
                    **{f: getattr(role, f) for f in Role.CONTENT_FIELDS},
                )
            Role.objects.bulk_create(roles.values())
            Requirement.objects.bulk_create(
                Requirement(
                    role=roles[req.role_id],
                    skill=skills[req.skill_id],
                    level=req.level,
                    importance=req.importance,
                )
                for req in Requirement.objects.filter(role__version=self)
            )
            DeclaredDrop.objects.bulk_create(
                DeclaredDrop(
                    role=roles[drop.role_id], skill=skills[drop.skill_id], reason=drop.reason
                )
                for drop in DeclaredDrop.objects.filter(role__version=self)
            )
            return draft


class VersionContentQuerySet(models.QuerySet):
    """Bulk writes bypass save(); refuse them on published content too."""

    def in_matrix_order(self) -> VersionContentQuerySet:
        """Categories and skills in questionnaire order, roles by rank: the order of the
        questionnaire, the pages and the interchange files (docs/interchange.md)."""
        return self.order_by(*self.model.MATRIX_ORDER)

    def _published_in(self) -> bool:
        field = f"{self.model.VERSION_PATH}__status"
        return self.filter(**{field: MatrixVersion.Status.PUBLISHED}).exists()

    def update(self, **kwargs):
        if self._published_in():
            raise PublishedVersionError("Published matrix versions cannot be changed.")
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if not objs:
            return []
        version_ids = {obj.owning_version_id() for obj in objs}
        if MatrixVersion.objects.filter(pk__in=version_ids).published().exists():
            raise PublishedVersionError("Published matrix versions cannot be changed.")
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        if self._published_in():
            raise PublishedVersionError("Published matrix versions cannot be changed.")
        return super().delete()


class VersionContent(models.Model):
    """Content that belongs to one matrix version and is frozen with it."""

    # Where the owning version is, as a lookup path from this model.
    VERSION_PATH = "version"

    objects = VersionContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def owning_version(self) -> MatrixVersion:
        return self.version

    def owning_version_id(self) -> int:
        return self.version_id

    def _refuse_if_published(self) -> None:
        versions = MatrixVersion.objects.filter(pk=self.owning_version_id())
        if self.pk is not None:
            # Moving a row out of a published version is a change to that version too.
            stored = type(self).objects.filter(pk=self.pk).values(self.VERSION_PATH)
            versions = versions | MatrixVersion.objects.filter(pk__in=stored)
        frozen = versions.published().select_related("track").first()
        if frozen is not None:
            frozen.ensure_editable()

    def save(self, *args, **kwargs) -> None:
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_published()
        return super().delete(*args, **kwargs)


class Category(VersionContent):
    MATRIX_ORDER = ("position", "pk")

    version = models.ForeignKey(MatrixVersion, on_delete=models.CASCADE, related_name="categories")
    slug = models.SlugField(max_length=SLUG_MAX, validators=[slug_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=DESCRIPTION_MAX, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="category_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Skill(VersionContent):
    MATRIX_ORDER = ("category__position", "category_id", "position", "pk")

    version = models.ForeignKey(MatrixVersion, on_delete=models.CASCADE, related_name="skills")
    category = models.ForeignKey(Category, on_delete=models.RESTRICT, related_name="skills")
    slug = models.SlugField(max_length=SLUG_MAX, validators=[slug_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=DESCRIPTION_MAX, blank=True)
    levels = models.JSONField(
        default=dict, blank=True, help_text='Behaviour statement per level: {"1": "...", ...}'
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "category__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="skill_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def statement(self, level: int) -> str:
        return self.levels.get(str(level), "")

    def clean(self) -> None:
        if self.category_id and self.version_id and self.category.version_id != self.version_id:
            raise ValidationError({"category": "The category belongs to another version."})
        top = self.version.max_level if self.version_id else MAX_SCALE_LEVEL
        if not isinstance(self.levels, dict) or not all(
            str(key).isdigit() and 1 <= int(key) <= top and isinstance(text, str)
            for key, text in self.levels.items()
        ):
            raise ValidationError(
                {"levels": f'A statement per level 1..{top}: {{"1": "...", "2": "..."}}.'}
            )
        if any(len(text) > STATEMENT_MAX for text in self.levels.values()):
            raise ValidationError({"levels": f"Keep each statement to {STATEMENT_MAX} characters."})


class Role(VersionContent):
    MATRIX_ORDER = ("rank", "position", "pk")
    CONTENT_FIELDS = (
        "slug",
        "title",
        "rank",
        "summary",
        "salary_min",
        "salary_max",
        "salary_average",
        "salary_currency",
        "salary_year",
        "salary_source",
        "experience_min",
        "experience_max",
        "position",
    )

    version = models.ForeignKey(MatrixVersion, on_delete=models.CASCADE, related_name="roles")
    slug = models.SlugField(max_length=SLUG_MAX, validators=[slug_validator])
    title = models.CharField(max_length=200)
    rank = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="1 = lowest rung; equal ranks fork."
    )
    summary = models.TextField(max_length=DESCRIPTION_MAX, blank=True)
    salary_min = models.PositiveIntegerField(null=True, blank=True)
    salary_max = models.PositiveIntegerField(null=True, blank=True)
    salary_average = models.PositiveIntegerField(null=True, blank=True)
    salary_currency = models.CharField(max_length=3, blank=True)
    salary_year = models.PositiveSmallIntegerField(null=True, blank=True)
    salary_source = models.CharField(max_length=300, blank=True)
    experience_min = models.PositiveSmallIntegerField(null=True, blank=True)
    experience_max = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "rank", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="role_slug_unique"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="role_rank_positive"),
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=models.F("salary_max")),
                name="role_salary_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(experience_min__isnull=True)
                | Q(experience_max__isnull=True)
                | Q(experience_min__lte=models.F("experience_max")),
                name="role_experience_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_salary(self) -> bool:
        return any(v is not None for v in (self.salary_min, self.salary_max, self.salary_average))

    @property
    def has_experience(self) -> bool:
        return self.experience_min is not None or self.experience_max is not None


class Requirement(VersionContent):
    VERSION_PATH = "role__version"

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="requirements")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SCALE_LEVEL)]
    )
    importance = models.PositiveSmallIntegerField(
        choices=[(k, v) for k, v in IMPORTANCE_NAMES.items()],
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )

    class Meta:
        ordering = ["role", "skill__category__position", "skill__position"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="requirement_unique"),
            models.CheckConstraint(
                condition=Q(importance__gte=1, importance__lte=3),
                name="requirement_importance_1_to_3",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=MAX_SCALE_LEVEL),
                name="requirement_level_in_any_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} needs {self.skill} at {self.level}"

    def owning_version(self) -> MatrixVersion:
        return self.role.version

    def owning_version_id(self) -> int:
        return self.role.version_id

    @property
    def importance_name(self) -> str:
        return IMPORTANCE_NAMES[self.importance]

    @property
    def required_behaviour(self) -> str:
        """The skill's behaviour statement at the level this role requires."""
        return self.skill.statement(self.level)

    def clean(self) -> None:
        # The role may be unsaved (a new role with its requirements inline): compare its
        # version, not its id.
        role = self.role if Requirement.role.is_cached(self) or self.role_id else None
        if role is not None and self.skill_id:
            if role.version_id != self.skill.version_id:
                raise ValidationError("The role and the skill belong to different versions.")
            if self.level > role.version.max_level:
                top = role.version.max_level
                raise ValidationError(
                    {"level": f"Level {self.level} is outside the scale 1..{top}."}
                )


class DeclaredDrop(VersionContent):
    """A skill a role no longer requires although the rung below does, declared as intended,
    with the reason: the ladder linter does not count it as a hole (docs/coherence.md)."""

    VERSION_PATH = "role__version"

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="declared_drops")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, help_text="Why this rung no longer assesses it.")

    class Meta:
        ordering = ["role", "skill__category__position", "skill__position"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="declared_drop_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.role} no longer assesses {self.skill}"

    def owning_version(self) -> MatrixVersion:
        return self.role.version

    def owning_version_id(self) -> int:
        return self.role.version_id

    def clean(self) -> None:
        if not (self.role_id and self.skill_id):
            return
        if self.role.version_id != self.skill.version_id:
            raise ValidationError("The role and the skill belong to different versions.")
        if Requirement.objects.filter(role_id=self.role_id, skill_id=self.skill_id).exists():
            raise ValidationError(
                {"skill": f"{self.role} requires {self.skill}: a required skill is not dropped."}
            )
