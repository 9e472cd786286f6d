"""The report's learning plan: each gap of the next role and the target with the resources that
help reach the required level, free ones first, and rough hours."""

from __future__ import annotations

import re

import pytest

from assessments.plan import build_plan
from assessments.scored import score_assessment
from roles.resources import LearningResource
from tests.assessments.worked_example import worked_example
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(owner):
    # Junior fits; Engineer (next) misses ML pipelines 2 -> 3; Senior (the target) misses ML
    # pipelines 2 -> 4, Monitoring 2 -> 4 and Communication 3 -> 4.
    return worked_example(owner)


def _resource(track, skill, title, levels, *, free=True, hours=5):
    return LearningResource.objects.create(
        track=track,
        skill=skill,
        title=title,
        url=f"https://example.org/{title.lower().replace(' ', '-')}/",
        kind="docs",
        levels=levels,
        free=free,
        hours=hours,
    )


@pytest.fixture
def resources(worked):
    track = worked.track
    _resource(track, "ml-pipelines", "Pipelines basics", [1, 2])  # below what is rated
    _resource(track, "ml-pipelines", "Pipelines course", [3, 4], free=False, hours=20)
    _resource(track, "ml-pipelines", "Pipelines guide", [3], hours=5)
    _resource(track, "monitoring", "Monitoring handbook", [3, 4], hours=8)
    _resource(track, "python", "Python tutorial", [1, 2, 3], hours=15)  # no gap in Python


def test_the_plan_covers_the_next_role_then_the_target(worked, resources):
    plan = build_plan(score_assessment(worked))

    assert [(role.title, role.is_next, role.is_target) for role in plan.roles] == [
        ("Engineer", True, False),
        ("Senior", False, True),
    ]


def test_each_gap_lists_the_resources_that_reach_its_level_free_ones_first(worked, resources):
    engineer, senior = build_plan(score_assessment(worked)).roles

    [pipelines] = engineer.steps
    assert (pipelines.skill, pipelines.rated, pipelines.required, pipelines.blocking) == (
        "ML pipelines",
        "2 · Working",
        "3 · Practitioner",
        True,
    )
    assert [r.title for r in pipelines.resources] == ["Pipelines guide", "Pipelines course"]
    assert pipelines.suggestion.title == "Pipelines guide"
    assert [step.skill for step in senior.steps] == ["ML pipelines", "Monitoring", "Communication"]
    assert senior.steps[2].resources == ()


def test_the_hours_add_up_the_suggestions_each_once(worked, resources):
    engineer, senior = build_plan(score_assessment(worked)).roles

    assert (engineer.hours, engineer.paid) == (5, 0)
    assert (senior.hours, senior.paid, senior.without_resources) == (5 + 8, 0, 1)


def test_the_report_shows_the_plan_with_its_links(owner_client, worked, resources):
    page = owner_client.get(f"/assessments/{worked.pk}/report/").text

    assert "Your learning plan" in page
    assert (
        'Start with <a href="https://example.org/pipelines-guide/" rel="noopener noreferrer">'
        "Pipelines guide</a>"
    ) in page
    assert "(documentation, levels 3, free, about 5 hours)" in page
    assert (
        "About <strong>13 hours</strong> with the suggested resources; 1 gap has no resource"
        in (page)
    )
    assert "Pipelines basics" not in page


def test_the_report_lists_the_other_resources_after_the_suggestion(owner_client, worked, resources):
    page = owner_client.get(f"/assessments/{worked.pk}/report/").text

    assert (
        '<ul class="plan-alternatives"><li>Or <a href="https://example.org/pipelines-course/" '
        'rel="noopener noreferrer">Pipelines course</a> <span class="muted">(documentation, '
        "levels 3\u20134, paid, about 20 hours)</span></li></ul>"
    ) in page
    gaps = re.findall(r'<p class="plan-gap">(.*?)</p>', page)
    blocking = [gap.split("</strong>")[0] for gap in gaps if "Blocking" in gap]
    # ML pipelines for both roles, and Monitoring for the target: essential skills.
    assert len(gaps) == 4
    assert blocking == ["<strong>ML pipelines", "<strong>ML pipelines", "<strong>Monitoring"]


def test_a_resource_title_is_shown_as_text_never_as_markup(owner_client, worked):
    _resource(worked.track, "ml-pipelines", "Pipes <b>& more</b>", [3], hours=1)

    page = owner_client.get(f"/assessments/{worked.pk}/report/").text

    assert "Pipes &lt;b&gt;&amp; more&lt;/b&gt;</a>" in page
    assert "about 1 hour)" in page


def test_a_plan_without_resources_still_names_the_gaps(owner_client, worked):
    page = owner_client.get(f"/assessments/{worked.pk}/report/").text

    assert "About <strong>0 hours</strong>" in page
    assert page.count("No learning resource for this skill yet") == 4


def test_resources_of_another_track_never_show(owner_client, worked):
    LearningResource.objects.create(
        track=TrackFactory(),
        skill="ml-pipelines",
        title="Elsewhere",
        url="https://example.org/elsewhere/",
        kind="docs",
        levels=[3],
        hours=1,
    )

    page = owner_client.get(f"/assessments/{worked.pk}/report/").text

    assert "Elsewhere" not in page


def test_a_role_without_gaps_says_so(owner):
    ready = worked_example(
        owner,
        ratings={"python": 5, "ml-pipelines": 5, "monitoring": 5, "communication": 5, "docker": 5},
    )

    plan = build_plan(score_assessment(ready))

    assert [(role.title, role.steps) for role in plan.roles] == [("Senior", ())]
    assert not plan.has_gaps
