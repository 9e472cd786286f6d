"""Fixtures for the questionnaire tests: htmx headers, URLs, answered assessments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Assessment, Rating

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
