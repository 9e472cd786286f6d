"""Scores read from the database: a stored matrix version as the scoring engine's input.

The engine itself (`assessments.scoring`) is pure; this is where the ORM meets it, on the
assessments side, so that the ladder app knows nothing of scoring."""

from __future__ import annotations

from fractions import Fraction

from assessments import scoring
from roles.models import MatrixVersion, Requirement


def scoring_matrix(version: MatrixVersion) -> scoring.Matrix:
    """The scoring engine's input for a version, in four queries whatever its size."""
    categories = list(version.categories.order_by("position", "pk"))
    skills = list(
        version.skills.order_by("category__position", "category_id", "position", "pk").values(
            "pk", "slug", "name", "category__slug"
        )
    )
    roles = list(version.roles.order_by("rank", "position", "pk"))
    requirements: dict[int, list] = {role.pk: [] for role in roles}
    skill_slugs = {skill["pk"]: skill["slug"] for skill in skills}
    for role_id, skill_id, level, importance in Requirement.objects.filter(
        role__version=version
    ).values_list("role_id", "skill_id", "level", "importance"):
        requirements[role_id].append(
            scoring.MatrixRequirement(
                skill=skill_slugs[skill_id], level=level, importance=importance
            )
        )
    return scoring.Matrix(
        scale=tuple(version.scale),
        ready_threshold=Fraction(version.ready_threshold),
        close_threshold=Fraction(version.close_threshold),
        categories=tuple(scoring.MatrixCategory(slug=c.slug, name=c.name) for c in categories),
        skills=tuple(
            scoring.MatrixSkill(slug=s["slug"], name=s["name"], category=s["category__slug"])
            for s in skills
        ),
        roles=tuple(
            scoring.MatrixRole(
                slug=role.slug,
                title=role.title,
                rank=role.rank,
                requirements=tuple(requirements[role.pk]),
            )
            for role in roles
        ),
    )
