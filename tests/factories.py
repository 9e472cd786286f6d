"""Factories for tests: users, ladders of any size, assessments, and mentoring (invitations,
mentorships, reviews)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import factory
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from assessments import scoring
from assessments.models import Assessment, Invitation, Mentorship, Rating, Review, ReviewRating
from roles.document import EMPTY_EXPERIENCE, EMPTY_SALARY
from roles.models import Category, MatrixVersion, Requirement, Role, Skill, Track

MLOPS_SCALE = ["None", "Awareness", "Working", "Practitioner", "Advanced", "Expert"]
PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_editor(**fields) -> User:
    """A user in the Matrix editors group. A data migration creates the group; tests that
    flush the database (the browser tests) lose it, so it is made again as the migration
    makes it."""
    group, _ = Group.objects.get_or_create(name="Matrix editors")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="roles", codename="edit_matrix")
    )
    user = UserFactory(**fields)
    user.groups.add(group)
    return user


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    slug = factory.Sequence(lambda n: f"track-{n}")
    name = factory.Sequence(lambda n: f"Track {n}")
    description = "A test ladder."


class MatrixVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatrixVersion

    track = factory.SubFactory(TrackFactory)
    number = factory.Sequence(lambda n: n + 1)
    scale = factory.LazyFunction(lambda: list(MLOPS_SCALE))
    ready_threshold = Decimal("0.9")
    close_threshold = Decimal("0.75")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    version = factory.SubFactory(MatrixVersionFactory)
    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
    position = factory.Sequence(int)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    category = factory.SubFactory(CategoryFactory)
    version = factory.LazyAttribute(lambda s: s.category.version)
    slug = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.Sequence(lambda n: f"Skill {n}")
    description = "What this skill is."
    levels = factory.LazyAttribute(
        lambda s: {str(level): f"{s.name} at level {level}." for level in range(1, 6)}
    )
    position = factory.Sequence(int)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    version = factory.SubFactory(MatrixVersionFactory)
    slug = factory.Sequence(lambda n: f"role-{n}")
    title = factory.Sequence(lambda n: f"Role {n}")
    rank = 1
    summary = "What this role does."


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    role = factory.SubFactory(RoleFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 3
    importance = 2


def make_ladder(
    *,
    skills: int = 8,
    roles: int = 3,
    categories: int = 4,
    track: Track | None = None,
    publish: bool = True,
    scale: list[str] | None = None,
) -> MatrixVersion:
    """A ladder with the given numbers of skills and roles: role k (rank k) requires every
    skill at a level that rises with rank, with importance cycling 1..3."""
    scale = scale or list(MLOPS_SCALE)
    top = len(scale) - 1
    track = track or TrackFactory()
    number = (track.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = MatrixVersionFactory(track=track, number=number, scale=scale)
    cats = [
        Category.objects.create(version=version, slug=f"cat-{i}", name=f"Category {i}", position=i)
        for i in range(categories)
    ]
    skill_objs = Skill.objects.bulk_create(
        Skill(
            version=version,
            category=cats[i % categories],
            slug=f"skill-{i}",
            name=f"Skill {i}",
            description=f"Skill {i} description.",
            levels={
                str(lv): f"Skill {i}, level {lv}: does thing {lv}." for lv in range(1, top + 1)
            },
            position=i,
        )
        for i in range(skills)
    )
    role_objs = Role.objects.bulk_create(
        Role(
            version=version,
            slug=f"role-{r + 1}",
            title=f"Role {r + 1}",
            rank=r + 1,
            summary=f"Rung {r + 1}.",
            position=r,
        )
        for r in range(roles)
    )
    Requirement.objects.bulk_create(
        Requirement(
            role=role,
            skill=skill,
            level=min(top, 1 + (r * top) // max(roles, 1)),
            importance=1 + (i % 3),
        )
        for r, role in enumerate(role_objs)
        for i, skill in enumerate(skill_objs)
    )
    if publish:
        version.publish()
    return version


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    user = factory.SubFactory(UserFactory)
    version = factory.LazyFunction(make_ladder)
    track = factory.LazyAttribute(lambda a: a.version.track)
    target_role = factory.LazyAttribute(lambda a: a.version.roles.order_by("-rank").first())


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    assessment = factory.SubFactory(AssessmentFactory)
    skill = factory.LazyAttribute(lambda r: r.assessment.version.skills.first())
    level = 2


# --- Ladders as interchange documents (plain data) ----------------------------------------------

RoleSpec = tuple  # (slug, rank, {skill: (level, importance)}) and optionally {skill: reason}


def ladder_document(
    *roles: RoleSpec,
    skills: list[str] | None = None,
    scale: list[str] | None = None,
    ready: str = "0.9",
    close: str = "0.75",
    statements: dict[str, dict[int, str]] | None = None,
    slug: str = "ladder",
) -> dict:
    """A validated interchange document (roles.interchange) for the ladder linter: one
    category, the skills the roles name (or `skills`), every level with a behaviour statement
    unless `statements` gives a skill's own, and each role as (slug, rank, requires[, drops])."""
    scale = scale or list(MLOPS_SCALE)
    top = len(scale) - 1
    if skills is None:
        skills = []
        for spec in roles:
            for name in [*spec[2], *(spec[3] if len(spec) > 3 else {})]:
                if name not in skills:
                    skills.append(name)
    statements = statements or {}
    order = {name: position for position, name in enumerate(skills)}
    return {
        "track": {
            "slug": slug,
            "name": slug.replace("-", " ").title(),
            "description": "",
            "ready_threshold": Decimal(ready),
            "close_threshold": Decimal(close),
        },
        "scale": scale,
        "categories": [{"slug": "skills", "name": "Skills", "description": ""}],
        "skills": [
            {
                "slug": name,
                "name": name.replace("-", " ").capitalize(),
                "category": "skills",
                "description": "",
                "levels": statements.get(
                    name, {level: f"{name} at level {level}." for level in range(1, top + 1)}
                ),
            }
            for name in skills
        ],
        "roles": [
            {
                "slug": spec[0],
                "title": spec[0].replace("-", " ").title(),
                "rank": spec[1],
                "summary": "",
                "salary": dict(EMPTY_SALARY),
                "experience_years": dict(EMPTY_EXPERIENCE),
                "requires": {
                    name: list(pair)
                    for name, pair in sorted(spec[2].items(), key=lambda item: order[item[0]])
                },
                "drops": dict(
                    sorted(
                        (spec[3] if len(spec) > 3 else {}).items(),
                        key=lambda item: order[item[0]],
                    )
                ),
            }
            for spec in sorted(roles, key=lambda spec: spec[1])
        ],
    }


def scoring_matrix_of(document: dict) -> scoring.Matrix:
    """The scoring engine's input for a ladder document."""
    return scoring.Matrix(
        scale=tuple(document["scale"]),
        ready_threshold=Fraction(document["track"]["ready_threshold"]),
        close_threshold=Fraction(document["track"]["close_threshold"]),
        categories=tuple(
            scoring.MatrixCategory(slug=c["slug"], name=c["name"]) for c in document["categories"]
        ),
        skills=tuple(
            scoring.MatrixSkill(slug=s["slug"], name=s["name"], category=s["category"])
            for s in document["skills"]
        ),
        roles=tuple(
            scoring.MatrixRole(
                slug=role["slug"],
                title=role["title"],
                rank=role["rank"],
                requirements=tuple(
                    scoring.MatrixRequirement(skill=skill, level=level, importance=importance)
                    for skill, (level, importance) in role["requires"].items()
                ),
            )
            for role in document["roles"]
        ),
    )


def make_invitation(seeker: User, email: str, **fields) -> Invitation:
    """An invitation as sent now (pending for 14 days unless `fields` say otherwise)."""
    now = timezone.now()
    fields = {"sent_at": now, "expires_at": now + timedelta(days=14), **fields}
    return Invitation.objects.create(seeker=seeker, email=email, **fields)


def make_mentorship(seeker: User, mentor: User, *, ended: bool = False) -> Mentorship:
    """`mentor` mentors `seeker` through an accepted invitation (ended by the seeker if
    `ended`)."""
    invitation = make_invitation(seeker, mentor.email)
    mentorship, _ = invitation.accept(mentor)
    if ended:
        mentorship.end(Mentorship.EndedBy.SEEKER)
    return mentorship


def make_review(
    assessment: Assessment,
    mentor: User,
    levels: dict[str, int | tuple[int, str]],
    *,
    note: str = "",
    submit: bool = True,
) -> Review:
    """A review giving `levels` (skill slug -> level, or (level, comment))."""
    review = Review.objects.create(assessment=assessment, mentor=mentor, note=note)
    skills = dict(assessment.version.skills.values_list("slug", "pk"))
    ReviewRating.objects.bulk_create(
        ReviewRating(
            review=review,
            skill_id=skills[slug],
            level=value if isinstance(value, int) else value[0],
            comment="" if isinstance(value, int) else value[1],
        )
        for slug, value in levels.items()
    )
    if submit:
        review.submit()
    return review


def make_mentees(mentor: User, version: MatrixVersion, count: int) -> list[Assessment]:
    """`count` people `mentor` mentors (mentee00, mentee01...), each with two submitted
    assessments on `version`: one at level 1 everywhere, then a later one at level
    number % 6. Returns the later ones."""
    skills = list(version.skills.all())
    latest = []
    for number in range(count):
        seeker = UserFactory(username=f"mentee{number:02}")
        make_mentorship(seeker, mentor)
        for level in (1, number % 6):
            assessment = AssessmentFactory(user=seeker, version=version)
            Rating.objects.bulk_create(
                Rating(assessment=assessment, skill=skill, level=level) for skill in skills
            )
            assessment.submit()
        latest.append(assessment)
    return latest
