"""Fixtures for the questionnaire tests: htmx headers, URLs, answered assessments, and the
sizes that query counts are pinned on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Assessment, Rating
from roles.models import MatrixVersion
from tests.factories import AssessmentFactory, make_ladder

HTMX = {"HX-Request": "true"}


def rate_url(assessment: Assessment, skill_slug: str) -> str:
    return reverse("assessments:rate", args=[assessment.pk, skill_slug])


def step_url(assessment: Assessment, category_slug: str) -> str:
    return reverse("assessments:step", args=[assessment.pk, category_slug])


def answer_all(assessment: Assessment, level: int = 2) -> None:
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill=skill, level=level)
        for skill in assessment.version.skills.all()
    )


def stored(assessment: Assessment) -> dict[str, tuple[int, str, int]]:
    """Every stored answer: skill slug -> (level, evidence, sequence)."""
    return {
        slug: (level, evidence, sequence)
        for slug, level, evidence, sequence in Rating.objects.filter(
            assessment=assessment
        ).values_list("skill__slug", "level", "evidence", "sequence")
    }


@pytest.fixture
def skill(assessment):
    return assessment.version.skills.select_related("category").order_by("position").first()


@pytest.fixture
def submitted(assessment):
    answer_all(assessment)
    assessment.submit()
    return assessment


@pytest.fixture(params=[(10, 5), (150, 8)], ids=["10-skills", "150-skills"])
def sized_ladder(request) -> MatrixVersion:
    """A small ladder, then a large one (skills x roles, in 4 categories): a query count
    pinned on both does not grow with the ladder."""
    skills, roles = request.param
    return make_ladder(skills=skills, roles=roles, categories=4)


@pytest.fixture
def sized(owner, sized_ladder) -> Assessment:
    """The owner's assessment on sized_ladder, every skill answered at level 2; a draft."""
    assessment = AssessmentFactory(user=owner, version=sized_ladder)
    answer_all(assessment)
    return assessment


@pytest.fixture(
    params=[(1, 10), (30, 10), (1, 150), (30, 150)],
    ids=[
        "1-mentee-10-skills",
        "30-mentees-10-skills",
        "1-mentee-150-skills",
        "30-mentees-150-skills",
    ],
)
def cohort_size(request) -> tuple[int, int]:
    """(mentees, skills): what a mentor's pages are pinned on, one mentee or thirty, on a
    ladder of 10 skills or 150."""
    return request.param
